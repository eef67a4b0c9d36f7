package io.puerta.plugin.pikiwidb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;

import com.typesafe.config.ConfigFactory;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestingBackend;
import io.puerta.spi.PluginContext;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PingHealthCheckerFactoryTest {

    private final HealthChecker checker =
            new PingHealthCheckerFactory().create(ConfigFactory.empty(), mock(PluginContext.class));

    @Test
    void aRunningServerIsUpAndAStoppedOneFails() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            assertEquals(
                    HealthResult.up("PONG"),
                    checker.check(TestingBackend.loopback(redis.port()), Duration.ofSeconds(1)));
            redis.stop();
            assertThrows(
                    IOException.class,
                    () -> checker.check(TestingBackend.loopback(redis.port()), Duration.ofSeconds(1)));
        }
    }

    @Test
    void anErrorReplyIsDownWithTheReason() throws Exception {
        try (ServerSocket loading = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket socket = loading.accept()) {
                    socket.getInputStream().readNBytes(14);
                    socket.getOutputStream()
                            .write("-LOADING Redis is loading the dataset in memory\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the test reads the outcome from the checker
                }
            });
            server.start();
            HealthResult result = checker.check(TestingBackend.loopback(loading.getLocalPort()), Duration.ofSeconds(1));
            assertEquals(HealthResult.down("PING answered -LOADING Redis is loading the dataset in memory"), result);
            server.join(2000);
        }
    }

    @Test
    void aSilentServerFailsWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThrows(
                    SocketTimeoutException.class,
                    () -> checker.check(TestingBackend.loopback(silent.getLocalPort()), Duration.ofMillis(200)));
        }
    }

    @Test
    void checksKeepOneConnectionAndAServerRestartedBetweenTwoIsStillUp() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            int port = redis.port();
            long before = connectionsReceived(port);
            for (int i = 0; i < 5; i++) {
                assertEquals(
                        HealthResult.up("PONG"), checker.check(TestingBackend.loopback(port), Duration.ofSeconds(1)));
            }
            // the checker's one connection, and the one that counted before
            assertEquals(before + 2, connectionsReceived(port), "five checks, one connection");
            redis.restart();
            assertEquals(
                    HealthResult.up("PONG"),
                    checker.check(TestingBackend.loopback(port), Duration.ofSeconds(1)),
                    "the stale connection is replaced at once, not reported as a failure");
        } finally {
            checker.close();
        }
    }

    private static long connectionsReceived(int port) throws IOException {
        try (io.puerta.plugin.redis.common.resp.BlockingRespClient client =
                new io.puerta.plugin.redis.common.resp.BlockingRespClient(
                        javax.net.SocketFactory.getDefault(), "127.0.0.1", port, Duration.ofSeconds(1))) {
            String info = new String((byte[]) client.call("INFO", "stats"), StandardCharsets.UTF_8);
            for (String line : info.split("\r\n")) {
                if (line.startsWith("total_connections_received:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1)) - 1; // not this one
                }
            }
            throw new IllegalStateException("no total_connections_received in " + info);
        }
    }
}
