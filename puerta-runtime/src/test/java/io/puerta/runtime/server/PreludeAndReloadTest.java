package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestPlugins;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/** Preludes run before their request, and a changed configuration file reaches the router. */
class PreludeAndReloadTest {

    @TempDir
    static Path dir;

    private static RedisServerProcess main;
    private static RedisServerProcess side;

    @BeforeAll
    static void start() {
        TestPlugins.routers(dir.resolve("plugins/routers/routers.jar"));
        main = RedisServerProcess.start();
        side = RedisServerProcess.start();
    }

    @AfterAll
    static void stop() {
        main.close();
        side.close();
    }

    @Test
    void aPreludeRunsFirstAndItsErrorStopsTheRequest() {
        try (TestProxy proxy = TestProxy.start(
                        "router = test-prelude\n" + TestProxy.backends(main, side), dir.resolve("plugins"));
                Jedis client = new Jedis("127.0.0.1", proxy.port());
                Jedis onMain = new Jedis("127.0.0.1", main.port());
                Jedis onSide = new Jedis("127.0.0.1", side.port())) {
            onSide.del("preludes");
            onSide.set("a-string", "not a list");
            for (int i = 0; i < 100; i++) {
                assertEquals("OK", client.set("k" + i, "v" + i));
            }
            assertEquals("100", onSide.get("preludes"), "one prelude per request");
            assertEquals("v7", onMain.get("k7"), "and then the request itself");
            assertEquals(Arrays.asList("v1", "v2", null), client.mget("k1", "k2", "nope"));
            assertEquals("103", onSide.get("preludes"), "a prelude per part of a split");

            JedisDataException error = assertThrows(JedisDataException.class, () -> client.set("bad-key", "x"));
            assertTrue(error.getMessage().startsWith("WRONGTYPE"), error.getMessage());
            assertNull(onMain.get("bad-key"), "a failed prelude keeps the request from running");
            assertEquals("PONG", client.ping(), "and the connection carries on");
        }
    }

    @Test
    void aValidChangeReachesTheRouterAndAnInvalidOneIsIgnored() throws Exception {
        Path conf = dir.resolve("reload.conf");
        write(conf, "hello", "100ms");
        try (TestProxy proxy = TestProxy.startFile(conf);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            assertEquals("hello", greeting(client));
            write(conf, "bonjour", "100ms");
            awaitGreeting(client, "bonjour");
            // counted once the reload's outcome is complete, a moment after the router took the change
            io.puerta.runtime.testing.Await.until(
                    "the reload is counted",
                    () -> proxy.server()
                                    .metrics()
                                    .counter("puerta.config.reloads")
                                    .getCount()
                            == 1);

            Files.writeString(
                    conf, Files.readString(conf).replace("pipeline.ring-size = 1024", "pipeline.ring-size = 1000"));
            touch(conf);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (proxy.server()
                            .metrics()
                            .counter("puerta.config.reloads-rejected")
                            .getCount()
                    == 0) {
                assertTrue(System.nanoTime() < deadline, "the invalid change is noticed");
                Thread.sleep(50);
            }
            assertEquals("bonjour", greeting(client), "the running configuration stays");
        }
    }

    private static void write(Path conf, String greeting, String interval) throws Exception {
        Files.writeString(
                conf,
                "puerta {\n listen.port = 0\n plugins.dir = \"" + dir.resolve("plugins") + "\"\n"
                        + " router = test-probe\n reload.check-interval = " + interval
                        + "\n pipeline.ring-size = 1024\n"
                        + " test-plugin.greeting = \"" + greeting + "\"\n " + TestProxy.backends(main) + "\n}\n");
        touch(conf);
    }

    // Some file systems keep modification times in whole seconds: make every write visible as a change.
    private static void touch(Path conf) throws Exception {
        Files.setLastModifiedTime(conf, FileTime.from(Instant.now().plusSeconds(counter++)));
    }

    private static long counter = 1;

    private static String greeting(Jedis client) {
        return SafeEncoder.encode((byte[]) client.sendCommand(() -> SafeEncoder.encode("GREETING")));
    }

    private static void awaitGreeting(Jedis client, String expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!expected.equals(greeting(client))) {
            assertTrue(System.nanoTime() < deadline, "the new greeting arrives");
            Thread.sleep(50);
        }
    }
}
