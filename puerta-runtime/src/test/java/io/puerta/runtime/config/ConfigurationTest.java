package io.puerta.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.server.Configuration;
import io.puerta.runtime.transport.Cidr;
import io.puerta.spi.backend.BackendRole;
import io.puerta.spi.request.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

    private static Settings load(String hocon) {
        return Configuration.load(ConfigLoader.forText(hocon), Optional.of(Path.of("/opt/puerta")))
                .settings();
    }

    private static List<String> problems(String hocon) {
        return assertThrows(ConfigProblems.class, () -> load(hocon)).problems();
    }

    @Test
    void defaultsComeFromReferenceConf() {
        Settings settings = load("puerta.backends = [{ address = \"127.0.0.1:6379\" }]");
        assertEquals(Protocol.RESP, settings.protocol());
        assertEquals(
                new Settings.Listen("127.0.0.1", 6380, 1024, List.of(), 10000, 0, Duration.ZERO, null),
                settings.listen());
        assertEquals("single-backend", settings.router());
        assertEquals("", settings.clientIdentifier());
        assertEquals(
                new Settings.HealthCheck("", Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, 2),
                settings.healthCheck());
        assertEquals(
                List.of(new BackendSpec("127.0.0.1:6379", "127.0.0.1", 6379, 1, BackendRole.STANDALONE)),
                settings.backends());
        assertEquals(
                new Settings.BackendOptions(
                        0, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(200), 65536),
                settings.backend());
        assertEquals(
                new Settings.Pipeline(16384, WaitStrategyName.SIGNAL_WHEN_ASLEEP, 256, PipelineMode.RING_PER_LOOP),
                settings.pipeline());
        assertEquals(new Settings.Netty(0, 0, true), settings.netty());
        assertEquals(
                new Settings.Limits(1048576, 64 << 20, 64 << 10, 128 << 20, 48 << 20, 1024, 65536, 32 << 20, 1000),
                settings.limits());
        assertEquals(Path.of("/opt/puerta/plugins"), settings.pluginsDir());
        assertEquals(Duration.ofSeconds(2), settings.reloadCheckInterval());
        assertEquals(Duration.ofSeconds(5), settings.shutdownTimeout());
    }

    @Test
    void anUnknownConfigSourceIsNamedWithTheAvailableOnes() {
        List<String> problems = problems("puerta.config-source.kind = \"zookeeper\"");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(
                problems.get(0)
                        .startsWith(
                                "puerta.config-source.kind: no config source named 'zookeeper';" + " available: file"),
                problems.get(0));
    }

    @Test
    void aSharedConfigurationMayNotSetWhatBelongsToOneInstance() {
        ConfigLoader shared = ConfigLoader.forText("puerta.backends = [{ address = \"127.0.0.1:6379\" }]")
                .withShared(
                        "puerta { listen.port = 7000, admin.port = 9000, etcd.prefix = \"/x\", shutdown-timeout = 9s }",
                        "etcd revision 7",
                        "etcd");
        ConfigProblems refused = assertThrows(
                ConfigProblems.class, () -> Configuration.load(shared, Optional.of(Path.of("/opt/puerta"))));
        String all = String.join("\n", refused.problems());
        assertTrue(all.contains("etcd revision 7: puerta.listen belongs to each instance's own file"), all);
        assertTrue(all.contains("etcd revision 7: puerta.admin belongs to each instance's own file"), all);
        assertTrue(all.contains("etcd revision 7: puerta.etcd belongs to each instance's own file"), all);
        assertTrue(refused.getMessage().contains("+ etcd revision 7"), refused.getMessage());

        // what may be shared wins over the file
        Settings settings = Configuration.load(
                        ConfigLoader.forText("puerta { backends = [{ address = \"127.0.0.1:6379\" }]\n"
                                        + " shutdown-timeout = 1s }")
                                .withShared("puerta.shutdown-timeout = 9s", "etcd revision 8", "etcd"),
                        Optional.of(Path.of("/opt/puerta")))
                .settings();
        assertEquals(Duration.ofSeconds(9), settings.shutdownTimeout());
    }

    @Test
    void everySettingIsRead() {
        Settings settings = load(
                """
                puerta {
                  listen { host = "0.0.0.0", port = 7000, backlog = 10, allow = ["10.0.0.0/8", "::1"], max-clients = 20,
                           max-clients-per-source = 2, idle-timeout = 30s }
                  router = single-backend
                  health-check { checker = tcp-connect, interval = 3s, timeout = 200ms, rise = 4, fall = 5, threads = 3 }
                  backends = [
                    { address = "10.0.0.1:7001", name = "a", weight = 3, role = master }
                    { address = "[::1]:7002" }
                  ]
                  backend { auth { username = app, password = s3cret }, connections-per-backend = 4, connect-timeout = 2s, request-timeout = 9s,
                            reconnect-backoff = 1s, max-queued-while-connecting = 10 }
                  pipeline { ring-size = 1024, wait-strategy = busy-spin, max-batch = 32 }
                  netty { io-threads = 2, backend-threads = 1, native-transport = false }
                  limits { max-array-length = 10, max-bulk-bytes = 1k, max-inline-bytes = 2k, max-request-bytes = 3k,
                           max-mongo-message-bytes = 4k, pause-reading-at = 5, max-pending-per-client = 6,
                           client-output-buffer-bytes = 7k }
                  plugins.dir = "/srv/plugins"
                  reload.check-interval = 0s
                  shutdown-timeout = 1s
                }
                """);
        assertEquals(
                new Settings.Listen(
                        "0.0.0.0",
                        7000,
                        10,
                        List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")),
                        20,
                        2,
                        Duration.ofSeconds(30),
                        null),
                settings.listen());
        assertEquals(
                new Settings.HealthCheck("tcp-connect", Duration.ofSeconds(3), Duration.ofMillis(200), 4, 5, 3),
                settings.healthCheck());
        assertEquals(
                List.of(
                        new BackendSpec("a", "10.0.0.1", 7001, 3, BackendRole.MASTER),
                        new BackendSpec("::1:7002", "::1", 7002, 1, BackendRole.STANDALONE)),
                settings.backends());
        assertEquals(
                new Settings.BackendOptions(
                        4,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(9),
                        Duration.ofSeconds(1),
                        10,
                        io.puerta.spi.backend.Credentials.user("app", "s3cret")),
                settings.backend());
        assertEquals(
                new Settings.Pipeline(1024, WaitStrategyName.BUSY_SPIN, 32, PipelineMode.RING_PER_LOOP),
                settings.pipeline());
        assertEquals(new Settings.Netty(2, 1, false), settings.netty());
        assertEquals(new Settings.Limits(10, 1024, 2048, 3072, 4096, 5, 6, 7168, 1000), settings.limits());
        assertEquals(Path.of("/srv/plugins"), settings.pluginsDir());
        assertEquals(Duration.ZERO, settings.reloadCheckInterval());
        assertEquals(Duration.ofSeconds(1), settings.shutdownTimeout());
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() {
        List<String> problems = problems(
                """
                puerta {
                  protocol = redis
                  listen.port = eighty
                  listen.prot = 80
                  router = nope
                  health-check.checker = "what"
                  backends = [{ address = "nohost" }, { address = "h:1", weight = 0 }, { address = "h:2", color = red }]
                  pipeline { ring-size = 1000, wait-strategy = spin }
                  limits.max-bulk-bytes = lots
                }
                """);
        List<String> expectedStarts = List.of(
                "puerta.listen.prot: unknown setting",
                "puerta.protocol: expected one of resp, mongo but got 'redis'",
                "puerta.listen.port",
                "puerta.backends[0]: address: expected host:port but got 'nohost'",
                "puerta.backends[1]: weight: 0 (expected: >= 1)",
                "puerta.backends[2]: unknown key 'color'",
                "puerta.pipeline.ring-size: 1000 (expected: a power of two)",
                "puerta.pipeline.wait-strategy: expected one of blocking, signal-when-asleep, timeout-blocking, sleeping, yielding, busy-spin but got 'spin'",
                "puerta.limits.max-bulk-bytes",
                "puerta.router: no router named 'nope'; available: single-backend",
                "puerta.health-check.checker: no health checker named 'what'; available: tcp-connect");
        for (String expected : expectedStarts) {
            assertTrue(
                    problems.stream().anyMatch(p -> p.startsWith(expected) || p.contains(expected)),
                    "missing problem '" + expected + "' in " + problems);
        }
    }

    @Test
    void aMongoListenerNeedsAClientIdentifierAndARouterThatSpeaksMongo() {
        assertEquals(
                List.of(
                        "puerta.client-identifier: required with puerta.protocol = mongo (the mongo-affinity plugin"
                                + " offers socket-addr, fingerprint, session-id and hybrid)",
                        "puerta.router: router 'single-backend' speaks resp but puerta.protocol is mongo"),
                problems("puerta { protocol = mongo, backends = [{ address = \"h:1\" }] }"));
    }

    @Test
    void aBadSyntaxIsReportedWithItsOrigin() {
        ConfigProblems e = assertThrows(ConfigProblems.class, () -> ConfigLoader.forText("puerta { listen = "));
        assertTrue(e.getMessage().contains("text"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        ConfigProblems e = assertThrows(
                ConfigProblems.class, () -> ConfigLoader.forFile(Optional.of(Path.of("/no/such/puerta.conf"))));
        assertEquals(List.of("config file not found: /no/such/puerta.conf"), e.problems());
    }

    @Test
    void pausingAboveTheHardLimitIsRefused() {
        assertEquals(
                List.of(
                        "puerta.limits.pause-reading-at: must not exceed puerta.limits.max-pending-per-client (10 > 5)"),
                problems(
                        "puerta { backends = [{ address = \"h:1\" }], limits { pause-reading-at = 10, max-pending-per-client = 5 } }"));
    }
}
