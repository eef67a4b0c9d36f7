package io.puerta.plugin.redis.cluster;

import static io.puerta.plugin.redis.cluster.testing.RedisCluster.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.puerta.plugin.redis.cluster.testing.RedisCluster;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A split request's parts that go to one master are written and waited for together (one in-flight entry), yet each
 * is redirected, or held, on its own: a part whose slot moved goes where the MOVED points while the others of its
 * group are answered where they are; a group whose master died is held part by part and served by the new master.
 */
class SplitGroupTest {

    private static final String CONFIG = "router = redis-cluster\nnetty.io-threads = 1\n"
            + "redis-cluster.refresh-interval = 1h\n"; // only a MOVED (or a hold) tells the proxy of a change

    @Test
    void aPartWhoseSlotMovedIsFollowedAndTheRestOfItsGroupIsAnsweredWhereItIs() {
        try (RedisCluster cluster = RedisCluster.start(3, 0);
                TestProxy proxy = TestProxy.start(CONFIG + cluster.seeds(), null);
                Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            RedisServerProcess first = cluster.masters().get(0);
            RedisServerProcess second = cluster.masters().get(1);
            // three keys of the first master in three slots (one group), one of the second master
            List<String> keys = keysOn(cluster, first, 3);
            keys.add(keysOn(cluster, second, 1).get(0));
            String moving = keys.get(1);
            assertEquals("OK", client.set(moving, "warm-up")); // the proxy's connections are up
            call(first, "DEL", moving); // an empty slot changes owner without migrating keys
            int slot = HashSlot.of(moving.getBytes(StandardCharsets.UTF_8));
            call(second, "CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", RedisCluster.id(second));
            for (RedisServerProcess master : cluster.masters()) {
                call(master, "CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", RedisCluster.id(second));
            }
            long movedBefore = counter(proxy, "puerta.plugin.redis-cluster.moved");

            String[] keysAndValues = new String[keys.size() * 2];
            for (int i = 0; i < keys.size(); i++) {
                keysAndValues[2 * i] = keys.get(i);
                keysAndValues[2 * i + 1] = "v" + i;
            }
            assertEquals("OK", client.mset(keysAndValues));
            assertEquals(movedBefore + 1, counter(proxy, "puerta.plugin.redis-cluster.moved"), "one part met a MOVED");
            assertEquals(List.of("v0", "v1", "v2", "v3"), client.mget(keys.toArray(String[]::new)));
            try (Jedis direct = new Jedis("127.0.0.1", second.port())) {
                assertEquals("v1", direct.get(moving), "the moved part was written on the slot's new owner");
            }
            try (Jedis direct = new Jedis("127.0.0.1", first.port())) {
                assertEquals("v0", direct.get(keys.get(0)), "the rest of its group where it was");
                assertEquals("v2", direct.get(keys.get(2)));
            }
        }
    }

    @Test
    void aGroupWhoseMasterDiedIsHeldPartByPartAndServedByTheNewMaster() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3, 1);
                TestProxy proxy =
                        TestProxy.start(CONFIG + "redis-cluster.hold-unsent-for = 20s\n" + cluster.seeds(), null);
                Jedis client = new Jedis("127.0.0.1", proxy.port(), 30_000)) {
            RedisServerProcess dying = cluster.masters().get(0);
            List<String> keys = keysOn(cluster, dying, 2);
            keys.add(keysOn(cluster, cluster.masters().get(1), 1).get(0));
            assertEquals("OK", client.mset(keys.get(0), "a", keys.get(1), "b", keys.get(2), "c"));
            cluster.awaitReplicasCaughtUp(); // else the promoted replica may answer without the write
            dying.stop();
            Await.until("the master's port is closed", () -> {
                try (java.net.Socket probe = new java.net.Socket("127.0.0.1", dying.port())) {
                    return false;
                } catch (java.io.IOException refused) {
                    return true;
                }
            });

            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> {
                try (Jedis other = new Jedis("127.0.0.1", proxy.port(), 30_000)) {
                    return other.mget(keys.toArray(String[]::new));
                }
            });
            Await.until("both parts of the dead master are held", () -> counter(proxy, "puerta.requests.held") == 2);
            assertFalse(read.isDone(), "held while the master is down");
            // the replica is promoted (node timeout 1.5 s), the router learns it, and both parts go there
            assertEquals(List.of("a", "b", "c"), read.get(30, TimeUnit.SECONDS));
            assertEquals(0, counter(proxy, "puerta.errors.backend"), "a held part that was served is no error");
        }
    }

    private static long counter(TestProxy proxy, String name) {
        return proxy.server().metrics().counter(name).getCount();
    }

    /** {@code count} keys that {@code master} serves, each in a slot of its own. */
    private static List<String> keysOn(RedisCluster cluster, RedisServerProcess master, int count) {
        RedisServerProcess witness = cluster.masters().get(cluster.masters().size() - 1);
        List<String> keys = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            String key = "group:" + master.port() + ":" + i;
            int slot = HashSlot.of(key.getBytes(StandardCharsets.UTF_8));
            if (!slots.contains(slot) && cluster.portOfSlotOwner(witness, slot) == master.port()) {
                keys.add(key);
                slots.add(slot);
            }
        }
        return keys;
    }
}
