package io.puerta.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * etcd going away under load: the instances keep serving with the configuration they applied (no client sees an
 * error from etcd's absence), say since when they are stale, and converge when etcd is back. With a 3-member etcd,
 * losing one member changes nothing at all.
 */
class EtcdOutageTest {

    @TempDir
    Path dir;

    /** The shared configuration; {@code limit} varies a live setting that moves no key, as changes under load. */
    private static String shared(RedisServerProcess server, int limit) {
        return "puerta {\n  router = \"pikiwidb-ring\"\n  " + TestProxy.backends(server)
                + "\n  limits.pause-reading-at = " + limit + "\n}\n";
    }

    @Test
    void etcdStoppedAndRestartedUnderLoadCostsNoClientAnything() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1);
                RedisServerProcess first = RedisServerProcess.start();
                Fleet fleet = new Fleet(etcd, dir, "/puerta/outage")) {
            fleet.push(shared(first, 1024));
            List<TestProxy> proxies = List.of(fleet.start("p1"), fleet.start("p2"), fleet.start("p3"));
            try (Load load = new Load(proxies)) {
                load.awaitProgress();

                etcd.kill(0);
                for (TestProxy proxy : proxies) {
                    Await.until("each instance says etcd is unreachable", () -> !Fleet.status(proxy)
                            .getBoolean("fleet.reachable"));
                }
                Config stale = Fleet.status(proxies.get(0)).getConfig("fleet");
                assertEquals(
                        0,
                        proxies.get(0)
                                .server()
                                .metrics()
                                .getGauges()
                                .get("puerta.fleet.reachable")
                                .getValue());
                assertTrue(stale.hasPath("staleSince"), stale.root().render());
                load.awaitProgress(); // serving on, with the configuration applied

                etcd.restart(0);
                for (TestProxy proxy : proxies) {
                    Await.until("each instance reaches etcd again", () -> Fleet.status(proxy)
                            .getBoolean("fleet.reachable"));
                }
                // and the fleet converges: a change made now reaches all three, and they are all members again
                long next = fleet.push(shared(first, 2048));
                for (TestProxy proxy : proxies) {
                    Await.until(
                            "every instance runs with revision " + next, () -> Fleet.appliedRevision(proxy) == next);
                }
                awaitConverged(fleet);
                load.awaitProgress();
            }
        }
    }

    @Test
    void aThreeMemberEtcdLosingOneMemberChangesNothing() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(3);
                RedisServerProcess first = RedisServerProcess.start();
                Fleet fleet = new Fleet(etcd, dir, "/puerta/quorum")) {
            fleet.push(shared(first, 1024));
            List<TestProxy> proxies = List.of(fleet.start("p1"), fleet.start("p2"), fleet.start("p3"));
            try (Load load = new Load(proxies)) {
                load.awaitProgress();
                etcd.kill(0);
                etcd.awaitWritable(); // the two left elect a leader, if the killed one was it
                long next = fleet.push(shared(first, 2048));
                for (TestProxy proxy : proxies) {
                    Await.until(
                            "every instance runs with revision " + next, () -> Fleet.appliedRevision(proxy) == next);
                }
                awaitConverged(fleet);
                for (TestProxy proxy : proxies) {
                    assertTrue(Fleet.status(proxy).getBoolean("fleet.reachable"));
                }
                load.awaitProgress();
            }
        }
    }

    /**
     * SET then GET of fresh keys through every instance, one thread per instance, until closed (bounded: at most
     * 200,000 requests each); any error or wrong answer fails the test at close.
     */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong answered = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();

        Load(List<TestProxy> proxies) {
            for (TestProxy proxy : proxies) {
                Thread thread = new Thread(() -> run(proxy), "load-" + proxy.port());
                thread.start();
                threads.add(thread);
            }
        }

        private void run(TestProxy proxy) {
            try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
                for (int i = 0; i < 200_000 && !stop.get(); i++) {
                    String key = "load:" + proxy.port() + ":" + i;
                    client.set(key, Integer.toString(i));
                    assertEquals(Integer.toString(i), client.get(key));
                    answered.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }

        /** Waits until a few hundred more requests were answered, failing at once on a client error. */
        void awaitProgress() {
            long target = answered.get() + 300;
            Await.until("the load makes progress", () -> {
                if (failure.get() != null) {
                    throw new AssertionError("a client failed", failure.get());
                }
                return answered.get() >= target;
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(10_000);
                assertFalse(thread.isAlive(), "a load thread did not stop");
            }
            if (failure.get() != null) {
                throw new AssertionError("a client failed while etcd was away", failure.get());
            }
        }
    }

    /** Until the fleet lists its three members, none behind the newest revision. */
    private static void awaitConverged(Fleet fleet) {
        Await.until("three members, none behind", () -> {
            String status = fleet.cli("fleet", "status").out();
            return status.contains("3 member(s)") && !status.contains("BEHIND");
        });
    }
}
