package io.puerta.plugin.mongo.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two mongos that hand out the same cursor ids (both count from 1000): per message, many clients' cursors open at
 * once on both, and every getMore still reaches the mongos its own cursor lives on. A pin kept per cursor id alone
 * would send one client's getMore to the other mongos, where another client's cursor has that id.
 */
class CursorIdCollisionTest {

    private static final int DOCUMENTS = 40;
    private static final int CURSORS = 32;

    @ParameterizedTest
    @ValueSource(strings = {"session-id", "hybrid"})
    void everyCursorIsReadToItsEndWhenIdsCollide(String strategy) throws Exception {
        List<MongosServer> mongos =
                List.of(MongosServer.startCountingCursorIdsFrom(1000), MongosServer.startCountingCursorIdsFrom(1000));
        try {
            for (MongosServer server : mongos) {
                // the same data on both (each in-process server has its own): either may serve a query
                try (MongoClient direct = MongoClients.create("mongodb://" + server.address())) {
                    MongoCollection<Document> items = direct.getDatabase("coll").getCollection("items");
                    for (int i = 0; i < DOCUMENTS; i++) {
                        items.insertOne(new Document("_id", i).append("on", server.address()));
                    }
                }
            }
            try (TestProxy proxy = MongoAffinityProxyTest.proxy(strategy, mongos, "");
                    MongoClient client = MongoAffinityProxyTest.client(proxy, "cursors-" + strategy, CURSORS)) {
                MongoCollection<Document> items = client.getDatabase("coll").getCollection("items");
                List<CompletableFuture<List<Integer>>> reads = new ArrayList<>();
                for (int c = 0; c < CURSORS; c++) {
                    reads.add(CompletableFuture.supplyAsync(() -> {
                        List<Integer> ids = new ArrayList<>();
                        String server = null;
                        try (MongoCursor<Document> cursor =
                                items.find().batchSize(3).iterator()) {
                            while (cursor.hasNext()) {
                                Document document = cursor.next();
                                ids.add(document.getInteger("_id"));
                                // every batch of one cursor comes from the mongos that opened it
                                String on = document.getString("on");
                                assertTrue(server == null || server.equals(on), "one cursor, one mongos");
                                server = on;
                            }
                        }
                        return ids;
                    }));
                }
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < DOCUMENTS; i++) {
                    expected.add(i);
                }
                for (CompletableFuture<List<Integer>> read : reads) {
                    List<Integer> ids = read.get(60, TimeUnit.SECONDS);
                    ids.sort(Integer::compareTo);
                    assertEquals(expected, ids, "a cursor read to its end, every document once");
                }
            }
        } finally {
            mongos.forEach(MongosServer::close);
        }
    }
}
