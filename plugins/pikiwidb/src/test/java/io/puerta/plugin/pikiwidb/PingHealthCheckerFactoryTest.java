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
}
