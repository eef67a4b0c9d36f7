package io.puerta.plugin.mongo.affinity.health;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.typesafe.config.ConfigFactory;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.puerta.plugin.mongo.affinity.testing.MongosServer;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HelloHealthCheckerFactoryTest {

    private final HealthChecker checker =
            new HelloHealthCheckerFactory().create(ConfigFactory.empty(), mock(PluginContext.class));

    private static Backend at(int port) {
        Backend backend = mock(Backend.class);
        when(backend.host()).thenReturn("127.0.0.1");
        when(backend.port()).thenReturn(port);
        return backend;
    }

    @Test
    void aServerThatKnowsHelloIsUp() throws Exception {
        try (MongosServer server = MongosServer.start()) {
            HealthResult result = checker.check(at(server.port()), Duration.ofSeconds(2));
            assertTrue(result.healthy(), result.detail());
        }
    }

    @Test
    void aServerWithoutHelloIsAskedIsMasterInstead() throws Exception {
        MongoServer plain = new MongoServer(new MemoryBackend()); // answers hello with CommandNotFound
        InetSocketAddress address = plain.bind();
        try {
            HealthResult result = checker.check(at(address.getPort()), Duration.ofSeconds(2));
            assertTrue(result.healthy(), result.detail());
        } finally {
            plain.shutdownNow();
        }
    }

    @Test
    void aStoppedServerFailsTheCheck() {
        MongosServer server = MongosServer.start();
        int port = server.port();
        server.stop();
        assertThrows(Exception.class, () -> checker.check(at(port), Duration.ofMillis(500)));
    }
}
