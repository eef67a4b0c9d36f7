package io.puerta.plugin.redis.cluster.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.cluster.testing.RedisCluster;
import io.puerta.runtime.testing.FaultClock;
import io.puerta.runtime.testing.FaultReport;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The fault suite's live resharding with cross-slot commands: 1,000 slots move from one master to another
 * (MIGRATING/IMPORTING, MIGRATE, SETSLOT NODE) while three Jedis clients MSET groups of three keys in different
 * slots, then MGET them back. Each group is written by one client only, so an MGET must return the group's last
 * acknowledged MSET (all three values alike); every group is read again at the end. Targets: no error at all (the
 * cluster stays up: MOVED and ASK are followed), no wrong reply, no acknowledged write lost.
 */
@Tag("faults")
class ReshardingFaultTest {

    private static final int GROUPS_PER_CLIENT = 300;

    @Test
    void crossSlotMgetAndMsetThroughALiveReshardingSeeNoErrorAndLoseNothing() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3, 0);
                TestProxy proxy = TestProxy.start("router = redis-cluster\n" + cluster.seeds(), null)) {
            FaultClock clock = new FaultClock("resharding done");
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            Map<String, String> uncertain = new ConcurrentHashMap<>(); // an MSET that failed: partly applied maybe
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong operations = new AtomicLong();
            AtomicLong wrong = new AtomicLong();
            List<String> wrongSamples = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (int c = 0; c < 3; c++) {
                int client = c;
                Thread thread = new Thread(() -> {
                    Random random = new Random(client);
                    Jedis jedis = new Jedis("127.0.0.1", proxy.port(), 10_000);
                    for (long n = 1; running.get() && System.nanoTime() < deadline; n++) {
                        String group = "g" + client + ":" + random.nextInt(GROUPS_PER_CLIENT);
                        String[] keys = {group + ":a", group + ":b", group + ":c"};
                        String value = client + "-" + n;
                        try {
                            operations.incrementAndGet();
                            String reply = jedis.mset(keys[0], value, keys[1], value, keys[2], value);
                            if ("OK".equals(reply)) {
                                acknowledged.put(group, value);
                                uncertain.remove(group);
                            }
                            operations.incrementAndGet();
                            List<String> seen = jedis.mget(keys);
                            String expected = acknowledged.get(group);
                            if (!uncertain.containsKey(group) && !seen.equals(List.of(expected, expected, expected))) {
                                wrong.incrementAndGet();
                                if (wrongSamples.size() < 5) {
                                    wrongSamples.add(group + " read " + seen + ", expected " + expected);
                                }
                            }
                        } catch (JedisConnectionException e) {
                            clock.error(e.getMessage());
                            uncertain.put(group, value);
                            jedis.close();
                            jedis = new Jedis("127.0.0.1", proxy.port(), 10_000);
                        } catch (JedisException e) {
                            clock.error(e.getMessage());
                            uncertain.put(group, value);
                        }
                    }
                    jedis.close();
                });
                thread.start();
                clients.add(thread);
            }
            io.puerta.runtime.testing.Await.until("the load runs", () -> operations.get() > 3_000);
            clock.fault();
            int moved = cluster.moveSlots(
                    cluster.masters().get(0), cluster.masters().get(1), 0, 999);
            clock.recovered();
            long after = operations.get();
            io.puerta.runtime.testing.Await.until("the load goes on", () -> operations.get() > after + 3_000);
            running.set(false);
            for (Thread thread : clients) {
                thread.join(15_000);
            }
            long lost = 0;
            try (Jedis jedis = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                for (Map.Entry<String, String> entry : acknowledged.entrySet()) {
                    String group = entry.getKey();
                    List<String> seen = jedis.mget(group + ":a", group + ":b", group + ":c");
                    String value = entry.getValue();
                    if (!uncertain.containsKey(group) && !seen.equals(List.of(value, value, value))) {
                        lost++;
                    }
                }
            }
            new FaultReport(
                            "live resharding of 1,000 slots (" + moved + " keys) with cross-slot MSET/MGET",
                            operations.get(),
                            clock.errors(),
                            clock.window(),
                            wrong.get(),
                            lost,
                            0)
                    .publish();
            assertTrue(moved > 100, "keys moved: " + moved);
            assertEquals(0, clock.errors(), "errors: " + clock.samples());
            assertEquals(0, wrong.get(), "wrong replies: " + wrongSamples);
            assertEquals(0, lost, "acknowledged writes lost");
        }
    }
}
