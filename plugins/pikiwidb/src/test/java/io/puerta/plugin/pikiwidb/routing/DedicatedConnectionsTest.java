package io.puerta.plugin.pikiwidb.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Connections single clients hold (blocking commands, transactions, subscribers) are bounded proxy-wide, given back
 * when their client leaves, and a subscriber that stops reading does not make the proxy buffer without bound.
 */
class DedicatedConnectionsTest {

    @Test
    void heldConnectionsAreBoundedAndGivenBackWhenTheClientLeaves() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start();
                TestProxy proxy = TestProxy.start(
                        "router = pikiwidb-ring\n" + TestProxy.backends(server)
                                + "\nlimits.max-dedicated-connections = 1",
                        null)) {
            Jedis first = new Jedis("127.0.0.1", proxy.port(), 10_000);
            CompletableFuture<List<String>> waiting = CompletableFuture.supplyAsync(() -> first.blpop(30, "q"));
            awaitHeld(proxy, 1);
            try (Jedis second = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                JedisDataException refused = assertThrows(JedisDataException.class, () -> second.blpop(1, "q"));
                assertTrue(
                        refused.getMessage().contains("puerta.limits.max-dedicated-connections"), refused.getMessage());
                assertEquals("PONG", second.ping(), "the client is still served otherwise");

                first.close(); // leaves while waiting: its connection is closed and counted back
                assertThrows(Exception.class, () -> waiting.get(5, TimeUnit.SECONDS));
                awaitHeld(proxy, 0);
                // the server drops the BLPOP of the closed connection once it sees the close (else it pops for it)
                try (Jedis direct = new Jedis("127.0.0.1", server.port())) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (!direct.info("clients").contains("blocked_clients:0")) {
                        assertTrue(System.nanoTime() < deadline, "the server still blocks the closed client");
                        Thread.sleep(20);
                    }
                }
                second.rpush("q", "x");
                assertEquals(List.of("q", "x"), second.blpop(1, "q"));
            }
        }
    }

    @Test
    void aSubscriberThatDoesNotReadPausesTheServerConnectionInsteadOfBuffering() throws Exception {
        // the server disconnects a subscriber that lags more than 2 MB behind: it can only lag if the proxy stops
        // reading for it; a proxy that buffered everything would deliver every message instead
        try (RedisServerProcess server = RedisServerProcess.start("--client-output-buffer-limit", "pubsub 2mb 1mb 60");
                // the proxy holds at most its 4 MB stream plus the client's output buffer (1 MB here): the rest of
                // the 50 MB must wait in the server, past its 2 MB limit
                TestProxy proxy = TestProxy.start(
                        "router = pikiwidb-ring\nlimits.client-output-buffer-bytes = 1m\n" + TestProxy.backends(server),
                        null);
                Socket subscriber = new Socket("127.0.0.1", proxy.port());
                Jedis publisher = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            subscriber.setSoTimeout(10_000);
            subscriber.getOutputStream().write("SUBSCRIBE flood\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(subscriber.getInputStream(), StandardCharsets.US_ASCII), 1 << 16);
            assertEquals("*3", in.readLine());
            for (int i = 0; i < 5; i++) {
                in.readLine();
            }
            String payload = "x".repeat(10_000);
            redis.clients.jedis.Pipeline pipeline = publisher.pipelined();
            for (int i = 0; i < 5_000; i++) { // 50 MB, far beyond the proxy's 4 MB and the sockets' buffers
                pipeline.publish("flood", payload);
            }
            pipeline.sync();
            // the server drops the lagging subscriber: the proxy passes that on as an error, and stays up
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("-"));
            assertTrue(line != null, "an error, not a silently dropped connection");
            assertTrue(line.contains("closed the connection"), line);
            assertEquals("PONG", publisher.ping());
        }
    }

    private static void awaitHeld(TestProxy proxy, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (held(proxy) != expected) {
            assertTrue(System.nanoTime() < deadline, "held connections: " + held(proxy) + ", expected " + expected);
            Thread.sleep(20);
        }
    }

    private static int held(TestProxy proxy) {
        Gauge<?> gauge = proxy.server().metrics().getGauges().get("puerta.backend.dedicated-connections");
        return ((Number) gauge.getValue()).intValue();
    }
}
