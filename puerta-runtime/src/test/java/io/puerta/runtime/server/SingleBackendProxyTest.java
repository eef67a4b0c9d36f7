package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.RawClient;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/** The simplest route, proven with a real redis-server and a real client. */
class SingleBackendProxyTest {

    private static RedisServerProcess redis;
    private static TestProxy proxy;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        proxy = TestProxy.start(TestProxy.backends(redis), null);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void setThroughTheProxyIsStoredOnTheBackend() {
        try (Jedis client = new Jedis("127.0.0.1", proxy.port());
                Jedis direct = new Jedis("127.0.0.1", redis.port())) {
            assertEquals("OK", client.set("greeting", "hola"));
            assertEquals("hola", client.get("greeting"));
            assertEquals("hola", direct.get("greeting"));
            direct.set("from-backend", "¡sí!");
            assertEquals("¡sí!", client.get("from-backend"));
        }
    }

    @Test
    void tenThousandPipelinedCommandsAnswerInOrder() {
        // a read timeout of 10 s, not Jedis's 2: the JVM of the test runs Puerta and Jedis both, cold, and on a
        // loaded 2-core machine 15,000 replies took 2.7 s (a hang still fails the test)
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            client.del("counter");
            Pipeline pipeline = client.pipelined();
            List<Response<Long>> increments = new ArrayList<>();
            List<Response<String>> reads = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                pipeline.set("p:" + i, "v" + i);
                increments.add(pipeline.incr("counter"));
            }
            for (int i = 0; i < 5_000; i++) {
                reads.add(pipeline.get("p:" + i));
            }
            pipeline.sync();
            for (int i = 0; i < 5_000; i++) {
                assertEquals(i + 1, increments.get(i).get(), "INCR reply " + i);
                assertEquals("v" + i, reads.get(i).get(), "GET reply " + i);
            }
        }
    }

    @Test
    void smallAndLargeRequestsOfOneBatchReachTheBackendInOrder() {
        // A backend connection gathers a batch's small requests into one buffer and writes a large one as it is:
        // the two kinds, interleaved in one pipeline, must still reach the server in the order they were sent.
        try (Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000);
                Jedis direct = new Jedis("127.0.0.1", redis.port())) {
            client.del("order");
            Pipeline pipeline = client.pipelined();
            List<String> values = new ArrayList<>();
            List<Response<Long>> lengths = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                // every third value is larger than a gathered message may be (WriteCoalescer.SMALL)
                String value = i % 3 == 0 ? ("L" + i + ":").repeat(120) : "s" + i;
                values.add(value);
                lengths.add(pipeline.rpush("order", value));
                pipeline.set("v:" + i, value);
            }
            Response<List<String>> all = pipeline.lrange("order", 0, -1);
            pipeline.sync();
            for (int i = 0; i < values.size(); i++) {
                assertEquals(i + 1, lengths.get(i).get(), "RPUSH reply " + i);
            }
            assertEquals(values, all.get());
            assertEquals(values, direct.lrange("order", 0, -1));
            assertEquals(values.get(1998), direct.get("v:1998"));
            assertEquals(values.get(1999), direct.get("v:1999"));
        }
    }

    @Test
    void hundredConcurrentConnectionsEachGetTheirOwnAnswers() throws Exception {
        int clients = 100;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                results.add(pool.submit(() -> {
                    try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
                        go.await();
                        int ok = 0;
                        for (int i = 0; i < 100; i++) {
                            String key = "c" + id + ":" + i;
                            client.set(key, key + "!");
                            if ((key + "!").equals(client.get(key))) {
                                ok++;
                            }
                        }
                        return ok;
                    }
                }));
            }
            go.countDown();
            for (Future<Integer> result : results) {
                assertEquals(100, result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void malformedFrameGetsAnErrorAndACloseWhileOthersKeepBeingServed() {
        try (Jedis bystander = new Jedis("127.0.0.1", proxy.port());
                RawClient bad = new RawClient(proxy.port())) {
            bystander.set("bystander", "fine");
            bad.send("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$x\r\n");
            assertEquals("+PONG", bad.readLine(), "the valid request before the bad one is answered first");
            assertEquals("-ERR Protocol error: invalid bulk length", bad.readLine());
            assertTrue(bad.closedByServer());
            assertEquals("fine", bystander.get("bystander"));
        }
    }

    @Test
    void inlineCommandsWork() {
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("SET inline \"two words\"\r\nGET inline\r\n");
            assertEquals("+OK", raw.readLine());
            assertEquals("$9", raw.readLine());
            assertEquals("two words", raw.readLine());
        }
    }

    @Test
    void hugeDeclaredLengthIsRefusedWithoutWaitingForTheBytes() {
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("*2\r\n$3\r\nGET\r\n$2147483647\r\n");
            assertEquals(
                    "-ERR Protocol error: invalid bulk length: 2147483647 (expected: <= 67108864)", raw.readLine());
            assertTrue(raw.closedByServer());
        }
    }
}
