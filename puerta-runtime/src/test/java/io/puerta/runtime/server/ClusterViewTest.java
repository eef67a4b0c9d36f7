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
 * puerta.cluster-view without a fleet: the one instance shows cluster clients a cluster of itself, owning every
 * slot; off (the default), CLUSTER is refused as a command on one server; a reload turns it on and off.
 */
class ClusterViewTest {

    @TempDir
    Path dir;

    @Test
    void oneInstanceShowsItselfOwningEverySlotWhenAskedTo() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.start()) {
            Path conf = dir.resolve("puerta.conf");
            write(conf, server, false, 1);
            try (TestProxy proxy = TestProxy.startFile(conf);
                    RespConnection client = new RespConnection(proxy.port())) {
                RespConnection.Reply refused = client.call("CLUSTER", "SLOTS");
                assertTrue(refused.isError(), refused.toString());
                assertTrue(client.call("READONLY").isError());

                write(conf, server, true, 2);
                Await.until("the reload turns the view on", () -> !client.call("CLUSTER", "SLOTS")
                        .isError());
                String self = "127.0.0.1:" + proxy.port();
                String id = client.call("CLUSTER", "MYID").text();
                assertEquals(40, id.length());
                assertEquals(
                        "*[*[:0,:16383,*[$127.0.0.1,:" + proxy.port() + ",$" + id + "]]]",
                        client.call("CLUSTER", "SLOTS").toString());
                assertEquals(
                        id + " " + self + "@" + (proxy.port() + 10000) + " myself,master - 0 0 1 connected 0-16383\n",
                        client.call("CLUSTER", "NODES").text());
                assertTrue(client.call("CLUSTER", "INFO").text().contains("cluster_known_nodes:1\r\n"));
                assertEquals("OK", client.call("READONLY").text());
                assertEquals("OK", client.call("ASKING").text());
                RespConnection.Reply unknown = client.call("CLUSTER", "FORGET", id);
                assertTrue(
                        unknown.isError() && unknown.text().contains("not served by the proxy's cluster view"),
                        unknown.toString());
                // a key is served wherever its slot would be: there is no redirection
                assertEquals("OK", client.call("SET", "anywhere", "1").text());
                assertEquals("1", client.call("GET", "anywhere").text());

                write(conf, server, false, 3);
                Await.until("the reload turns the view off", () -> client.call("CLUSTER", "SLOTS")
                        .isError());
            }
        }
    }

    private static void write(Path conf, RedisServerProcess server, boolean view, int generation) throws Exception {
        Files.writeString(
                conf,
                "puerta {\n listen.port = 0\n plugins.dir = \"/nonexistent\"\n reload.check-interval = 50ms\n"
                        + " backends = [{ address = \"" + server.address() + "\" }]\n"
                        + " cluster-view = " + view + "\n}\n");
        Files.setLastModifiedTime(conf, FileTime.from(Instant.now().plusSeconds(generation)));
    }
}
