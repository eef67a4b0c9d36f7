package io.puerta.plugin.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    @Test
    void aRequestHeldThroughAFailoverIsServedAndIsNoError() throws Exception {
        try (MasterDown down = MasterDown.start(1, "20s")) {
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                try (Jedis other = new Jedis("127.0.0.1", down.proxy.port(), 30_000)) {
                    return other.get(down.key);
                }
            });
            Await.until("the read is held", () -> down.counter("puerta.requests.held") == 1);
            assertFalse(read.isDone(), "a held read is not answered while its master is down");

            // the cluster promotes the master's replica (node timeout 1.5 s); the router learns it, and the read goes
            assertEquals("before", read.get(30, TimeUnit.SECONDS));
            assertEquals(1, down.counter("puerta.requests.held"));
            assertEquals(0, down.counter("puerta.errors.backend"), "a held request that was served is no error");
        }
    }

    @Test
    void aHeldRequestWhoseHoldEndsIsOneBackendError() {
        try (MasterDown down = MasterDown.start(0, "1s")) {
            long started = System.nanoTime();
            JedisDataException error = assertThrows(JedisDataException.class, () -> down.client.get(down.key));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(error.getMessage().contains(down.master.address()), error.getMessage());
            assertTrue(waited >= 900, "answered only once the hold (1 s) ended: " + waited + " ms");
            assertEquals(1, down.counter("puerta.requests.held"));
            // each of the attempts in that second was refused; the request failed once
            assertEquals(1, down.counter("puerta.errors.backend"));
        }
    }

    /**
     * A 3-master cluster behind a proxy that holds unsent requests for {@code holdFor}, a key written through it on
     * the first master, and then that master killed. No health checks (the default): the dead master stays "up" for
     * the router, so each attempt to send to it meets a refused connection, the case that was counted once per
     * attempt.
     */
    private static final class MasterDown implements AutoCloseable {
        final RedisCluster cluster;
        final TestProxy proxy;
        final Jedis client;
        final RedisServerProcess master;
        final String key;

        private MasterDown(RedisCluster cluster, TestProxy proxy) {
            this.cluster = cluster;
            this.proxy = proxy;
            this.client = new Jedis("127.0.0.1", proxy.port(), 30_000);
            this.master = cluster.masters().get(0);
            this.key = keyOn(cluster, master);
            assertEquals("OK", client.set(key, "before"));
            // else the replica promoted after the kill may not have the write, and the held read gets null
            cluster.awaitReplicasCaughtUp();
            stopAndWaitUntilClosed(master);
        }

        static MasterDown start(int replicasPerMaster, String holdFor) {
            RedisCluster cluster = RedisCluster.start(3, replicasPerMaster);
            TestProxy proxy = null;
            try {
                proxy = TestProxy.start(
                        "router = redis-cluster\nnetty.io-threads = 1\nredis-cluster.refresh-interval = 1h\n"
                                + "redis-cluster.hold-unsent-for = " + holdFor + "\n" + cluster.seeds(),
                        null);
                return new MasterDown(cluster, proxy);
            } catch (RuntimeException | Error e) {
                if (proxy != null) {
                    proxy.close();
                }
                cluster.close();
                throw e;
            }
        }

        long counter(String name) {
            return proxy.server().metrics().counter(name).getCount();
        }

        @Override
        public void close() {
            client.close();
            proxy.close();
            cluster.close();
        }

        private static String keyOn(RedisCluster cluster, RedisServerProcess master) {
            RedisServerProcess witness = cluster.masters().get(1);
            for (int i = 0; ; i++) {
                String key = "held:" + i;
                if (cluster.portOfSlotOwner(witness, JedisClusterCRC16.getSlot(key)) == master.port()) {
                    return key;
                }
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
}
