package io.puerta.plugin.redis.cluster;

import static io.puerta.plugin.redis.cluster.testing.RedisCluster.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.cluster.testing.RedisCluster;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** A master dies under load: its replica takes over and Puerta follows, the client never reconnecting. */
class ClusterFailoverTest {

    @Test
    void theClientRecoversOnItsOwnConnectionOnceTheReplicaIsPromoted() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3, 1);
                TestProxy proxy = TestProxy.start(
                        "router = redis-cluster\n" + cluster.seeds() + "\nredis-cluster.refresh-interval = 500ms\n"
                                + "backend.request-timeout = 1s",
                        null)) {
            RedisServerProcess victim = cluster.masters().get(0);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            ConcurrentLinkedQueue<long[]> errors = new ConcurrentLinkedQueue<>();
            Thread load = new Thread(
                    () -> {
                        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                            for (long i = 0; running.get(); i++) {
                                String key = "f:" + (i % 500);
                                try {
                                    client.set(key, Long.toString(i));
                                    if (!Long.toString(i).equals(client.get(key))) {
                                        errors.add(new long[] {System.nanoTime()});
                                    } else {
                                        ok.incrementAndGet();
                                    }
                                } catch (JedisDataException e) {
                                    errors.add(new long[] {System.nanoTime()});
                                }
                            }
                        }
                    },
                    "load");
            load.start();
            Await.until("the load runs", () -> ok.get() > 300);

            int victimSlot = 0; // the first master serves slot 0
            victim.stop();
            RedisServerProcess survivor = cluster.masters().get(1);
            Await.until("the cluster promotes the replica", () -> {
                int owner = cluster.portOfSlotOwner(survivor, victimSlot);
                return owner != victim.port()
                        && owner > 0
                        && RedisCluster.info(survivor).contains("cluster_state:ok");
            });
            long visible = System.nanoTime();

            long settled = visible + TimeUnit.SECONDS.toNanos(2);
            Thread.sleep(3_500);
            long okAfter = ok.get();
            running.set(false);
            load.join(10_000);
            List<Long> late = new ArrayList<>();
            for (long[] error : errors) {
                if (error[0] - settled > 0) {
                    late.add(error[0]);
                }
            }
            assertTrue(okAfter > 500, "the load went on: " + okAfter);
            assertEquals(List.of(), late, "no error later than 2 s after the new slot map was visible");
            try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
                assertEquals("OK", client.set("after-failover", "yes"));
                assertEquals("yes", client.get("after-failover"));
                int promoted = cluster.portOfSlotOwner(survivor, victimSlot);
                assertTrue(call(cluster.byPort(promoted), "INFO", "replication") instanceof byte[] info
                        && new String(info).contains("role:master"));
            }
        }
    }
}
