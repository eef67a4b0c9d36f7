package io.puerta.plugin.mongo.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A mongos that dies is left at its first refused connection, long before the health checks (here every 30 s,
 * three failures) would say so: the new clients after it reach the mongos that answers.
 */
class PassiveHealthTest {

    @ParameterizedTest
    @ValueSource(strings = {"session-id", "socket-addr"})
    void aDeadMongosGetsNoNewClientAfterItsFirstRefusedConnection(String strategy) {
        List<MongosServer> mongos = new ArrayList<>(List.of(MongosServer.start(), MongosServer.start()));
        try (TestProxy proxy = MongoAffinityProxyTest.proxy(
                strategy,
                mongos,
                "health-check { interval = 30s, fall = 3, rise = 1 }\nmongo-affinity.balance = round-robin\n")) {
            // both mongos serve clients, so the dead one has the proxy's connections and affinities
            for (int i = 0; i < 4; i++) {
                try (MongoClient client = MongoAffinityProxyTest.client(proxy, "warm-" + i, 1)) {
                    client.getDatabase("passive").getCollection("c").insertOne(new Document("warm", i));
                }
            }
            MongosServer dead = mongos.get(0);
            dead.close();
            int failed = 0;
            List<Integer> failures = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                try (MongoClient client = MongoAffinityProxyTest.client(proxy, "after-" + i, 1)) {
                    client.getDatabase("passive").getCollection("c").insertOne(new Document("after", i));
                } catch (MongoException refused) {
                    failed++;
                    failures.add(i);
                }
            }
            assertTrue(failed <= 1, "clients failed after the mongos died: " + failures);
            assertEquals(Boolean.FALSE, proxy.backendUp(dead.address()), "down at once, not after 3 × 30 s");
        } finally {
            mongos.forEach(MongosServer::close);
        }
    }
}
