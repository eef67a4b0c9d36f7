package io.puerta.plugin.pikiwidb.slots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.config.ConfigProblems;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/** The codis-style slot table over three real servers, and moving a slot range online under load. */
class SlotsRouterTest {

    @TempDir
    Path dir;

    private final RedisServerProcess[] servers = new RedisServerProcess[3];

    @BeforeEach
    void start() {
        for (int i = 0; i < servers.length; i++) {
            servers[i] = RedisServerProcess.start();
        }
    }

    @AfterEach
    void stop() {
        for (RedisServerProcess server : servers) {
            server.close();
        }
    }

    /** codis's slot of a key: crc32 (IEEE) of the key, or of its {hash tag}, modulo the slot count. */
    private static int slot(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        String hashed = close > open + 1 ? key.substring(open + 1, close) : key;
        CRC32 crc = new CRC32();
        crc.update(hashed.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % 1024);
    }

    private Path config(String... ranges) throws Exception {
        StringBuilder conf = new StringBuilder("puerta {\n listen.port = 0\n plugins.dir = \"/nonexistent\"\n");
        conf.append(" router = pikiwidb-slots\n reload.check-interval = 100ms\n backends = [\n");
        for (RedisServerProcess server : servers) {
            conf.append("  { address = \"").append(server.address()).append("\" }\n");
        }
        conf.append(" ]\n pikiwidb.slots {\n  migration { grace = 500ms, batch = 5, pause = 10ms }\n  ranges = [\n");
        for (int i = 0; i < ranges.length; i += 2) {
            conf.append("   { slots = \"")
                    .append(ranges[i])
                    .append("\", server = \"")
                    .append(ranges[i + 1])
                    .append("\" }\n");
        }
        conf.append("  ]\n }\n}\n");
        Path file = dir.resolve("puerta.conf");
        Files.writeString(file, conf);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(rewrites++)));
        return file;
    }

    private int rewrites;

    @Test
    void everyKeyIsOnTheServerOwningItsSlot() throws Exception {
        Path conf = config(
                "0-340", servers[0].address(), "341-681", servers[1].address(), "682-1023", servers[2].address());
        try (TestProxy proxy = TestProxy.startFile(conf);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            Pipeline pipeline = client.pipelined();
            for (int i = 0; i < 1000; i++) {
                pipeline.set("key:" + i, "v" + i);
            }
            pipeline.sync();
            for (int i = 0; i < 1000; i++) {
                int slot = slot("key:" + i);
                RedisServerProcess owner = servers[slot <= 340 ? 0 : slot <= 681 ? 1 : 2];
                try (Jedis direct = new Jedis("127.0.0.1", owner.port())) {
                    assertEquals("v" + i, direct.get("key:" + i), "key:" + i + " in slot " + slot);
                }
            }
            assertEquals(1000, client.dbSize());
            assertEquals(List.of("v1", "v999"), client.mget("key:1", "key:999"));
            assertEquals("OK", client.mset("{user9}:a", "1", "{user9}:b", "2"));
            assertEquals(1, client.msetnx("{user9}:c", "3", "{user9}:d", "4"), "a hash tag keeps keys on one server");
        }
    }

    @Test
    void aBadTableIsRefusedWithItsProblems() throws Exception {
        Path conf = config("0-500", servers[0].address(), "400-1022", "nobody");
        ConfigProblems e =
                org.junit.jupiter.api.Assertions.assertThrows(ConfigProblems.class, () -> TestProxy.startFile(conf));
        assertTrue(
                e.getMessage().contains("'nobody' is neither a host:port nor the name of a backend"), e.getMessage());
    }

    @Test
    void aSlotRangeMovesOnlineWithNoWrongAnswerAndEveryAcknowledgedWriteReadable() throws Exception {
        Path conf = config(
                "0-340", servers[0].address(), "341-681", servers[1].address(), "682-1023", servers[2].address());
        try (TestProxy proxy = TestProxy.startFile(conf)) {
            int keys = 3000;
            try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
                Pipeline pipeline = client.pipelined();
                for (int i = 0; i < keys; i++) {
                    pipeline.set("k:" + i, "0");
                }
                pipeline.sync();
            }
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            for (int i = 0; i < keys; i++) {
                acknowledged.put("k:" + i, "0");
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong operations = new AtomicLong();
            List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int worker = t;
                Thread thread = new Thread(
                        () -> {
                            Random random = new Random(worker);
                            try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                                for (long n = 1; running.get(); n++) {
                                    // each worker owns the keys i % 3 == worker, so "last acknowledged" is well defined
                                    String key = "k:" + (random.nextInt(keys / 3) * 3 + worker);
                                    try {
                                        String seen = client.get(key);
                                        if (!acknowledged.get(key).equals(seen)) {
                                            wrong.add(key + " read " + seen + " after " + acknowledged.get(key)
                                                    + " was acknowledged");
                                        }
                                        String value = worker + "-" + n;
                                        if ("OK".equals(client.set(key, value))) {
                                            acknowledged.put(key, value);
                                        }
                                        operations.incrementAndGet();
                                    } catch (JedisDataException e) {
                                        wrong.add(key + ": " + e.getMessage());
                                    }
                                }
                            }
                        },
                        "worker-" + t);
                thread.start();
                workers.add(thread);
            }
            Thread.sleep(500);
            long before = operations.get();

            // slots 0-340 move from the first server to the third
            config("0-340", servers[2].address(), "341-681", servers[1].address(), "682-1023", servers[2].address());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (proxy.server()
                            .metrics()
                            .counter("puerta.plugin.pikiwidb-slots.migrations")
                            .getCount()
                    == 0) {
                assertTrue(System.nanoTime() < deadline, "the rebalancing finishes");
                Thread.sleep(50);
            }
            Thread.sleep(300);
            running.set(false);
            for (Thread worker : workers) {
                worker.join(10_000);
            }
            assertTrue(operations.get() - before > 300, "the load ran during the move: " + (operations.get() - before));
            assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())), wrong.size() + " wrong answers");
            long inBackground = proxy.server()
                    .metrics()
                    .counter("puerta.plugin.pikiwidb-slots.moved-keys")
                    .getCount();
            long inMovedSlots = java.util.stream.IntStream.range(0, keys)
                    .filter(i -> slot("k:" + i) <= 340)
                    .count();
            assertTrue(
                    inBackground > 0 && inBackground <= inMovedSlots,
                    inBackground + " of the " + inMovedSlots + " keys of the moved slots moved in the background");

            try (Jedis client = new Jedis("127.0.0.1", proxy.port());
                    Jedis first = new Jedis("127.0.0.1", servers[0].port());
                    Jedis third = new Jedis("127.0.0.1", servers[2].port())) {
                for (Map.Entry<String, String> entry : acknowledged.entrySet()) {
                    assertEquals(entry.getValue(), client.get(entry.getKey()), entry.getKey() + " is readable");
                }
                assertEquals(0, first.dbSize(), "the first server kept no key of the slots it gave away");
                for (int i = 0; i < keys; i += 7) {
                    String key = "k:" + i;
                    if (slot(key) <= 340) {
                        assertEquals(acknowledged.get(key), third.get(key), key + " now lives on the third server");
                    }
                }
            }
        }
    }
}
