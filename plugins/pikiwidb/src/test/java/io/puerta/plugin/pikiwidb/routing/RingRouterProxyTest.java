package io.puerta.plugin.pikiwidb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.pikiwidb.hash.KeyHash;
import io.puerta.plugin.pikiwidb.ring.Distribution;
import io.puerta.plugin.pikiwidb.ring.KeyRing;
import io.puerta.plugin.pikiwidb.ring.RingServer;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.RespConnection;
import io.puerta.runtime.testing.RespConnection.Reply;
import io.puerta.runtime.testing.TestProxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The pikiwidb-ring router through a real proxy, over three real servers, with a real client. */
class RingRouterProxyTest {

    private static final RedisServerProcess[] SERVERS = new RedisServerProcess[3];
    private static TestProxy proxy;
    private static KeyRing ring;

    @BeforeAll
    static void start() {
        List<RingServer> ringServers = new ArrayList<>();
        StringBuilder backends = new StringBuilder("router = pikiwidb-ring\nbackends = [\n");
        for (int i = 0; i < SERVERS.length; i++) {
            SERVERS[i] = RedisServerProcess.start();
            backends.append("{ address = \"").append(SERVERS[i].address()).append("\" }\n");
            ringServers.add(new RingServer(SERVERS[i].address(), 1, i));
        }
        backends.append("]\npikiwidb { distribution = ketama, hash = murmur, hash-tag = \"{}\" }");
        proxy = TestProxy.start(backends.toString(), null);
        ring = new KeyRing(KeyHash.MURMUR, Distribution.Kind.KETAMA.build(ringServers), "{}", 3, 0);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        for (RedisServerProcess server : SERVERS) {
            if (server != null) {
                server.close();
            }
        }
    }

    @BeforeEach
    void flush() {
        for (RedisServerProcess server : SERVERS) {
            try (Jedis direct = direct(server)) {
                direct.flushAll();
            }
        }
    }

    private static Jedis client() {
        // 10 s: 20,000 pipelined commands under paranoid leak detection can outlast Jedis's 2 s default on 2 cores
        return new Jedis("127.0.0.1", proxy.port(), 10_000);
    }

    private static Jedis direct(RedisServerProcess server) {
        return new Jedis("127.0.0.1", server.port());
    }

    private static Jedis owner(String key) {
        return direct(SERVERS[ring.serverFor(key.getBytes(StandardCharsets.UTF_8))]);
    }

    @Test
    void multiKeyCommandsAreSplitPerServerAndMergedInTheClientsOrder() {
        try (Jedis client = client()) {
            List<String> keysAndValues = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                keys.add("mk:" + i);
                keysAndValues.add("mk:" + i);
                keysAndValues.add("v" + i);
            }
            assertEquals("OK", client.mset(keysAndValues.toArray(String[]::new)));
            Set<Integer> serversUsed = new HashSet<>();
            for (int i = 0; i < keys.size(); i++) {
                serversUsed.add(ring.serverFor(keys.get(i).getBytes(StandardCharsets.UTF_8)));
                try (Jedis owner = owner(keys.get(i))) {
                    assertEquals("v" + i, owner.get(keys.get(i)), keys.get(i) + " is on the server the ring names");
                }
            }
            assertEquals(3, serversUsed.size(), "the keys span every server");

            List<String> asked = new ArrayList<>(keys);
            asked.add(150, "mk:missing");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                expected.add("v" + i);
            }
            expected.add(150, null);
            assertEquals(expected, client.mget(asked.toArray(String[]::new)));
            assertEquals(3, client.exists("mk:1", "mk:1", "mk:2"));
            assertEquals(2, client.touch("mk:3", "mk:4", "mk:nope"));
            assertEquals(100, client.del(keys.subList(0, 100).toArray(String[]::new)));
            assertEquals(100, client.unlink(keys.subList(100, 200).toArray(String[]::new)));
            assertEquals(100, client.exists(keys.toArray(String[]::new)));
        }
    }

    @Test
    void aPipelinedMixOverEveryServerIsAnsweredInOrderAndStoredCorrectly() {
        int n = 4_000;
        try (Jedis client = client()) {
            Pipeline pipeline = client.pipelined();
            List<Response<?>> replies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                replies.add(pipeline.set("p:" + i, "v" + i));
                replies.add(pipeline.incr("counter:" + (i % 17)));
                replies.add(pipeline.mset("pa:" + i, "a" + i, "pb:" + i, "b" + i));
                replies.add(pipeline.mget("p:" + i, "pa:" + i, "pb:" + i, "p:none"));
                replies.add(pipeline.del("pb:" + i, "p:none"));
            }
            pipeline.sync();
            int[] counters = new int[17];
            for (int i = 0; i < n; i++) {
                int base = i * 5;
                assertEquals("OK", replies.get(base).get());
                assertEquals((long) ++counters[i % 17], replies.get(base + 1).get(), "INCR " + i);
                assertEquals("OK", replies.get(base + 2).get());
                assertEquals(
                        java.util.Arrays.asList("v" + i, "a" + i, "b" + i, null),
                        replies.get(base + 3).get());
                assertEquals(1L, replies.get(base + 4).get());
            }
        }
        for (int i = 0; i < n; i += 97) {
            try (Jedis p = owner("p:" + i);
                    Jedis pa = owner("pa:" + i);
                    Jedis pb = owner("pb:" + i)) {
                assertEquals("v" + i, p.get("p:" + i));
                assertEquals("a" + i, pa.get("pa:" + i));
                assertEquals(false, pb.exists("pb:" + i));
            }
        }
        for (int c = 0; c < 17; c++) {
            try (Jedis owner = owner("counter:" + c)) {
                long expected = n / 17 + (c < n % 17 ? 1 : 0);
                assertEquals(String.valueOf(expected), owner.get("counter:" + c));
            }
        }
    }

    @Test
    void keysThatMustStayTogetherButDoNotAreRefusedAndHashTagsKeepThemTogether() {
        String a = "apart:1";
        try (Jedis client = client()) {
            String other = elsewhere(a, "apart:");
            JedisDataException error = assertThrows(JedisDataException.class, () -> client.msetnx(a, "1", other, "2"));
            assertTrue(
                    error.getMessage().startsWith("CROSSSLOT keys of MSETNX map to different servers"),
                    error.getMessage());
            client.set(a, "x");
            assertThrows(JedisDataException.class, () -> client.rename(a, other));
            assertEquals(1, client.msetnx("{user:7}:name", "ana", "{user:7}:mail", "ana@example.org"));
            assertEquals("OK", client.rename("{user:7}:name", "{user:7}:alias"));
            assertEquals("ana", client.get("{user:7}:alias"));
        }
    }

    @Test
    void serverWideCommandsCoverEveryServer() {
        try (Jedis client = client()) {
            Set<String> written = new TreeSet<>();
            for (int i = 0; i < 500; i++) {
                client.set("w:" + i, "x");
                written.add("w:" + i);
            }
            assertEquals("PONG", client.ping());
            assertEquals("hola", client.ping("hola"));
            assertEquals("eco", client.echo("eco"));
            assertEquals("OK", client.select(0));
            JedisDataException outOfRange = assertThrows(JedisDataException.class, () -> client.select(16));
            assertEquals("ERR DB index is out of range", outOfRange.getMessage());
            long direct = 0;
            for (RedisServerProcess server : SERVERS) {
                try (Jedis d = direct(server)) {
                    direct += d.dbSize();
                    assertTrue(d.dbSize() > 0, "every server holds some keys");
                }
            }
            assertEquals(500, direct);
            assertEquals(500, client.dbSize());
            assertEquals(written, new TreeSet<>(client.keys("w:*")));

            Set<String> scanned = new TreeSet<>();
            List<String> all = new ArrayList<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int rounds = 0;
            do {
                ScanResult<String> page =
                        client.scan(cursor, new ScanParams().count(20).match("w:*"));
                all.addAll(page.getResult());
                scanned.addAll(page.getResult());
                cursor = page.getCursor();
                assertTrue(++rounds < 1000, "SCAN ends");
            } while (!cursor.equals("0"));
            assertEquals(written, scanned, "SCAN visits every key of every server");
            assertEquals(500, all.size(), "and each once");

            String info = client.info();
            assertTrue(info.contains("# Proxy") && info.contains("router:pikiwidb-ring"), info);
            for (RedisServerProcess server : SERVERS) {
                assertTrue(info.contains(":name=" + server.address()), info); // one line a server, in # Proxy
            }
            assertNotNull(client.randomKey());
            assertEquals(2, client.time().size());
            assertEquals("OK", client.clientSetname("app"));
            assertTrue(client.configGet("maxmemory").containsKey("maxmemory"));

            JedisDataException hello4 =
                    assertThrows(JedisDataException.class, () -> client.sendCommand(Protocol.Command.HELLO, "4"));
            assertTrue(hello4.getMessage().startsWith("NOPROTO"), hello4.getMessage());
            JedisDataException unknown = assertThrows(
                    JedisDataException.class,
                    () -> client.sendCommand(() -> "FROBNICATE".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(
                    "ERR unknown command 'FROBNICATE' (not supported through the pikiwidb proxy)",
                    unknown.getMessage());
            JedisDataException monitor =
                    assertThrows(JedisDataException.class, () -> client.sendCommand(Protocol.Command.MONITOR));
            assertTrue(
                    monitor.getMessage().startsWith("ERR MONITOR is not supported through the pikiwidb proxy: it acts"),
                    monitor.getMessage());

            assertEquals("OK", client.flushAll());
            assertEquals(0, client.dbSize());
        }
    }

    @Test
    void blockingCommandsTransactionsAndPubSubWorkAcrossTheServers() throws Exception {
        try (Jedis waiting = client();
                Jedis client = client();
                Jedis subscriber = client()) {
            CompletableFuture<List<String>> popped = CompletableFuture.supplyAsync(() -> waiting.blpop(10, "jobs"));
            Thread.sleep(200);
            assertEquals("PONG", client.ping(), "a waiting client delays nobody");
            client.rpush("jobs", "j1");
            assertEquals(List.of("jobs", "j1"), popped.get(5, TimeUnit.SECONDS));

            Transaction multi = client.multi();
            multi.set("{cart}items", "3");
            multi.incr("{cart}items");
            assertEquals(List.of("OK", 4L), multi.exec());
            // keys on different servers cannot share a transaction
            Transaction split = client.multi();
            for (int i = 0; i < 20; i++) {
                split.set("spread:" + i, "x");
            }
            JedisDataException aborted = assertThrows(JedisDataException.class, split::exec);
            assertTrue(aborted.getMessage().startsWith("EXECABORT"), aborted.getMessage());

            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    messages.add(channel + "=" + message);
                    unsubscribe();
                }
            };
            CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> subscriber.subscribe(listener, "updates"));
            awaitTrue(() -> client.publish("updates", "hello") == 1);
            assertEquals("updates=hello", messages.poll(5, TimeUnit.SECONDS));
            loop.get(5, TimeUnit.SECONDS);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(20);
        }
    }

    @Test
    void redisBenchmarkRunsThroughTheProxyWithoutErrors() throws Exception {
        io.puerta.runtime.testing.RedisBenchmark.runWithoutErrors(proxy.port(), "set,get,incr,lpush,mset", 16, 5);
    }

    @Test
    void selectServesEachDatabaseOnEveryServer() {
        try (Jedis client = client()) {
            client.flushAll();
            assertEquals("OK", client.select(3));
            for (int i = 0; i < 30; i++) {
                client.set("db3:" + i, "v" + i);
            }
            assertEquals(30, client.dbSize(), "fanned out to database 3 of every server");
            assertEquals(List.of("v1", "v2"), client.mget("db3:1", "db3:2"));
            String key = "db3:7";
            try (Jedis owner = direct(SERVERS[ring.serverFor(key.getBytes(StandardCharsets.UTF_8))])) {
                assertNull(owner.get(key), "not in database 0");
                owner.select(3);
                assertEquals("v7", owner.get(key), "in database 3 of the key's server");
            }
            assertEquals("OK", client.select(0));
            assertNull(client.get(key));
            assertEquals(0, client.dbSize());
            client.select(3);
            assertEquals("OK", client.flushDB());
            assertEquals(0, client.dbSize(), "FLUSHDB emptied database 3 everywhere");
        }
    }

    @Test
    void anUnsubscribedClientGetsNoMessageAndIsAnOrdinaryClientAgain() {
        for (int round = 0; round < 10; round++) {
            try (RespConnection subscriber = new RespConnection(proxy.port());
                    RespConnection publisher = new RespConnection(proxy.port())) {
                subscriber.send("SUBSCRIBE", "news", "sport");
                subscriber.read();
                subscriber.read();
                subscriber.send("PUNSUBSCRIBE"); // no pattern: one confirmation, still subscribed to two channels
                assertEquals("*[$punsubscribe,$nil,:2]", subscriber.read().toString());
                subscriber.send("UNSUBSCRIBE");
                assertTrue(subscriber.read().toString().startsWith("*[$unsubscribe,"));
                assertTrue(subscriber.read().toString().endsWith(",:0]"));
                assertEquals(":0", publisher.call("PUBLISH", "news", "late").toString(), "nobody listens");
                assertEquals("+PONG", subscriber.call("PING").toString(), "an ordinary client's PONG");
                subscriber.call("SET", "after:" + round, "x");
                assertEquals("$x", subscriber.call("GET", "after:" + round).toString());
            }
        }
    }

    /** A key of the form {@code prefix + n} that the ring puts on another server than {@code key}. */
    private static String elsewhere(String key, String prefix) {
        int n = 0;
        String other;
        do {
            other = prefix + n++;
        } while (ring.serverFor(other.getBytes(StandardCharsets.UTF_8))
                == ring.serverFor(key.getBytes(StandardCharsets.UTF_8)));
        return other;
    }

    @Test
    void destinationsNamedByOptionsAreRoutedWithTheSourceOrRefused() {
        try (RespConnection client = new RespConnection(proxy.port())) {
            client.call(
                    "GEOADD", "{geo}:src", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
            String far = elsewhere("{geo}:src", "dest:");
            Reply refused = client.call("GEORADIUS", "{geo}:src", "15", "37", "200", "km", "STORE", far);
            assertTrue(
                    refused.text().startsWith("CROSSSLOT keys of GEORADIUS map to different servers"), refused.text());
            assertEquals("$nil", client.call("GET", far).toString(), "nothing written");
            assertEquals(
                    ":2",
                    client.call("GEORADIUS", "{geo}:src", "15", "37", "200", "km", "STORE", "{geo}:near")
                            .toString());
            assertEquals(":2", client.call("ZCARD", "{geo}:near").toString(), "readable back through the proxy");

            client.call("RPUSH", "{s}:list", "3", "1", "2");
            Reply sortRefused = client.call("SORT", "{s}:list", "STORE", elsewhere("{s}:list", "sorted:"));
            assertTrue(sortRefused.text().startsWith("CROSSSLOT"), sortRefused.text());
            assertEquals(
                    ":3", client.call("SORT", "{s}:list", "STORE", "{s}:sorted").toString());
            assertEquals(
                    "*[$1,$2,$3]",
                    client.call("LRANGE", "{s}:sorted", "0", "-1").toString());
            Reply byPattern = client.call("SORT", "{s}:list", "BY", "weight_*");
            assertTrue(byPattern.text().contains("BY or GET pattern 'weight_*' is not supported"), byPattern.text());
            assertEquals(
                    "*[$3,$1,$2]",
                    client.call("SORT", "{s}:list", "BY", "nosort").toString());
        }
    }
}
