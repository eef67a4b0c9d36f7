package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.audit.Audit;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.LogCapture;
import io.puerta.runtime.testing.RawClient;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail: JSON lines on its own logger, for refused connections and configuration changes, no secrets. */
class AuditTest {

    private static List<String> audit(LogCapture logs) {
        String prefix = Audit.LOGGER + " INFO ";
        return logs.lines().stream()
                .filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()))
                // the time varies: checked for its shape, then left out of the comparison
                .peek(line -> assertTrue(line.matches("\\{\"time\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\",.*"), line))
                .map(line -> "{" + line.substring(line.indexOf(",\"event\"") + 1))
                .toList();
    }

    @Test
    void aRefusedConnectionIsAudited() {
        try (RedisServerProcess redis = RedisServerProcess.start();
                LogCapture logs = LogCapture.start();
                TestProxy proxy = TestProxy.start(TestProxy.backends(redis) + "\nlisten.max-clients = 1", null);
                RawClient first = new RawClient(proxy.port())) {
            assertEquals("+PONG", first.send("*1\r\n$4\r\nPING\r\n").readLine());
            try (RawClient second = new RawClient(proxy.port())) {
                assertEquals("-ERR max number of clients reached", second.readLine());
            }
            assertTrue(
                    audit(logs)
                            .contains("{\"event\":\"connection-refused\",\"source\":\"127.0.0.1\","
                                    + "\"reason\":\"puerta.listen.max-clients (1) reached\"}"),
                    audit(logs).toString());
        }
    }

    @Test
    void aConfigurationChangeIsAuditedByItsKeysNeverItsValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("puerta.conf");
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            Files.writeString(file, config(redis, "first-s3cret", "5s"));
            try (LogCapture logs = LogCapture.start();
                    TestProxy proxy = TestProxy.startFile(file)) {
                Files.writeString(file, config(redis, "second-s3cret", "7s"));
                Files.setLastModifiedTime(
                        file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
                Await.until("the change is audited", () -> !audit(logs).isEmpty());
                assertEquals(
                        List.of("{\"event\":\"config-rejected\",\"file\":\"" + file + "\",\"keys\":"
                                + "[\"puerta.backend.auth.password\",\"puerta.backend.request-timeout\"],"
                                + "\"why\":\"these settings need a restart: puerta.backend.auth.password,"
                                + " puerta.backend.request-timeout\"}"),
                        audit(logs));
                assertTrue(logs.lines().stream()
                        .noneMatch(l -> l.contains("first-s3cret") || l.contains("second-s3cret")));
            }
        }
    }

    private static String config(RedisServerProcess redis, String password, String timeout) {
        return "puerta { listen.port = 0\n plugins.dir = \"/nonexistent-puerta-plugins\"\n" + TestProxy.backends(redis)
                + "\nbackend { request-timeout = " + timeout + ", auth.password = \"" + password + "\" }\n"
                + "reload.check-interval = 50ms\n}\n";
    }
}
