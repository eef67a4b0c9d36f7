package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.RespConnection;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONFIG SET through the proxy would change a server's settings for every client: refused unless the operator
 * allows it (puerta.commands.allow-config-set), which a reload may change. CONFIG GET is always served.
 */
class ConfigSetPolicyTest {

    @TempDir
    Path dir;

    @Test
    void configSetIsRefusedUntilAnOperatorAllowsIt() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            Path conf = dir.resolve("puerta.conf");
            write(conf, server, false, 1);
            try (TestProxy proxy = TestProxy.startFile(conf);
                    RespConnection client = new RespConnection(proxy.port());
                    RespConnection direct = new RespConnection(server.port())) {
                RespConnection.Reply refused = client.call("CONFIG", "SET", "maxmemory-samples", "7");
                assertTrue(
                        refused.text().startsWith("ERR CONFIG SET is not allowed through the proxy")
                                && refused.text().contains("puerta.commands.allow-config-set = true"),
                        refused.text());
                assertTrue(client.call("config", "resetstat").isError());
                assertEquals(
                        "*[$maxmemory-samples,$5]",
                        direct.call("CONFIG", "GET", "maxmemory-samples").toString());
                assertEquals(
                        "*[$maxmemory-samples,$5]",
                        client.call("CONFIG", "GET", "maxmemory-samples").toString(),
                        "reading is served");

                write(conf, server, true, 2);
                Await.until(
                        "the reload allows CONFIG SET", () -> !client.call("CONFIG", "SET", "maxmemory-samples", "7")
                                .isError());
                assertEquals(
                        "*[$maxmemory-samples,$7]",
                        direct.call("CONFIG", "GET", "maxmemory-samples").toString());
            }
        }
    }

    private static void write(Path conf, RedisServerProcess server, boolean allowed, int generation) throws Exception {
        Files.writeString(
                conf,
                "puerta {\n listen.port = 0\n plugins.dir = \"/nonexistent-puerta-plugins\"\n"
                        + " reload.check-interval = 100ms\n commands.allow-config-set = " + allowed + "\n "
                        + TestProxy.backends(server) + "\n}\n");
        // some file systems keep whole seconds: make each write a visible change
        Files.setLastModifiedTime(conf, FileTime.from(Instant.now().plusSeconds(generation)));
    }
}
