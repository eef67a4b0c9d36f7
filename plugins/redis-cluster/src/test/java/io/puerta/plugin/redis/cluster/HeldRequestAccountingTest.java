package io.puerta.plugin.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.cluster.testing.RedisCluster;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A request whose master cannot be reached is held and routed again (hold-unsent-for): {@code puerta.requests.held}
 * counts it once, and {@code puerta.errors.backend} only if its hold ends without an answer. Each refused attempt
 * counted as a backend error before, so a failover that every client rode out still showed as errors.
 */
class HeldRequestAccountingTest {

    // no health checks (the default): the master stays "up" for the router, and each attempt meets a refused connect
    private static final String CLUSTER_CONFIG =
            "router = redis-cluster\nnetty.io-threads = 1\nredis-cluster.refresh-interval = 1h\n";

    @Test
    void aRequestHeldThroughAFailoverIsServedAndIsNoError() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3, 1);
                TestProxy proxy = TestProxy.start(
                        CLUSTER_CONFIG + cluster.seeds() + "\nredis-cluster.hold-unsent-for = 20s", null);
                Jedis client = new Jedis("127.0.0.1", proxy.port(), 30_000)) {
            RedisServerProcess master = cluster.masters().get(0);
            String key = keyServedBy(cluster, master);
            assertEquals("OK", client.set(key, "before"));

            stopAndWaitUntilClosed(master);
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                try (Jedis other = new Jedis("127.0.0.1", proxy.port(), 30_000)) {
                    return other.get(key);
                }
            });
            Await.until("the read is held", () -> counter(proxy, "puerta.requests.held") == 1);
            assertTrue(!read.isDone(), "a held read is not answered while its master is down");

            // the cluster promotes the master's replica (node timeout 1.5 s); the router learns it, and the read goes
            assertEquals("before", read.get(30, TimeUnit.SECONDS));
            assertEquals(1, counter(proxy, "puerta.requests.held"));
            assertEquals(0, counter(proxy, "puerta.errors.backend"), "a held request that was served is no error");
        }
    }

    @Test
    void aHeldRequestWhoseHoldEndsIsOneBackendError() {
        try (RedisCluster cluster = RedisCluster.start(3, 0);
                TestProxy proxy = TestProxy.start(
                        CLUSTER_CONFIG + cluster.seeds() + "\nredis-cluster.hold-unsent-for = 1s", null);
                Jedis client = new Jedis("127.0.0.1", proxy.port(), 30_000)) {
            RedisServerProcess master = cluster.masters().get(0);
            String key = keyServedBy(cluster, master);
            assertEquals("OK", client.set(key, "before"));

            stopAndWaitUntilClosed(master);
            long started = System.nanoTime();
            JedisDataException error =
                    org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class, () -> client.get(key));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(error.getMessage().contains(master.address()), error.getMessage());
            assertTrue(waited >= 900, "held for its second first: " + waited + " ms");
            assertEquals(1, counter(proxy, "puerta.requests.held"));
            // each of the attempts in that second was refused; the request failed once
            assertEquals(1, counter(proxy, "puerta.errors.backend"));
        }
    }

    private static String keyServedBy(RedisCluster cluster, RedisServerProcess master) {
        RedisServerProcess witness = cluster.masters().get(1);
        for (int i = 0; ; i++) {
            String key = "held:" + i;
            if (cluster.portOfSlotOwner(witness, JedisClusterCRC16.getSlot(key)) == master.port()) {
                return key;
            }
        }
    }

    /** Kills the master and waits until its port refuses connections (its sockets, Puerta's too, are closed). */
    private static void stopAndWaitUntilClosed(RedisServerProcess master) {
        master.stop();
        Await.until("the master's port is closed", Duration.ofSeconds(10), () -> {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", master.port())) {
                return false;
            } catch (java.io.IOException refused) {
                return true;
            }
        });
    }

    private static long counter(TestProxy proxy, String name) {
        return proxy.server().metrics().counter(name).getCount();
    }
}
