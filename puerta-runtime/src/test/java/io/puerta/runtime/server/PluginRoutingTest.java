package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestPlugins;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/** Routers from a real plugin jar, loaded from a plugins directory, serving real clients. */
class PluginRoutingTest {

    @TempDir
    static Path plugins;

    private static RedisServerProcess even;
    private static RedisServerProcess odd;

    @BeforeAll
    static void start() {
        TestPlugins.routers(plugins.resolve("routers/routers.jar"));
        even = RedisServerProcess.start();
        odd = RedisServerProcess.start();
    }

    @AfterAll
    static void stop() {
        even.close();
        odd.close();
    }

    @Test
    void aThrowingRouterFailsOneRequestAndTheProxyCarriesOn() {
        try (TestProxy proxy = TestProxy.start("router = test-throwing\n" + TestProxy.backends(even), plugins);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            JedisDataException boom = assertThrows(JedisDataException.class, () -> send(client, "BOOM"));
            assertEquals(
                    "ERR router 'test-throwing' failed: java.lang.IllegalStateException: boom on purpose",
                    boom.getMessage());
            JedisDataException none = assertThrows(JedisDataException.class, () -> send(client, "NODECISION"));
            assertEquals(
                    "ERR router 'test-throwing' failed: java.lang.NullPointerException: router returned no decision",
                    none.getMessage());
            JedisDataException refused = assertThrows(JedisDataException.class, () -> send(client, "REFUSE"));
            assertEquals(
                    "CROSSSLOT refused on purpose", refused.getMessage(), "a PluginException's message is the reply");
            assertEquals("OK", client.set("after", "boom"));
            assertEquals("boom", client.get("after"));
            assertEquals(
                    2, proxy.server().metrics().counter("puerta.errors.router").getCount());
        }
    }

    @Test
    void aPluginReadsItsOwnReferenceConfRunsWithItsContextLoaderAndCannotSeeTheRuntime() {
        try (TestProxy proxy = TestProxy.start("router = test-probe\n" + TestProxy.backends(even), plugins);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            assertEquals("hello from the plugin's reference.conf", send(client, "GREETING"));
            assertEquals("plugin", send(client, "CONTEXTLOADER"));
            assertEquals("no", send(client, "SEESNETTY"));
        }
        String override =
                "router = test-probe\n test-plugin.greeting = \"overridden by the user\"\n" + TestProxy.backends(even);
        try (TestProxy proxy = TestProxy.start(override, plugins);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            assertEquals("overridden by the user", send(client, "GREETING"));
        }
    }

    @Test
    void splitCommandsAreSentToEachBackendAndMergedInTheClientsOrder() {
        try (TestProxy proxy = TestProxy.start("router = test-split\n" + TestProxy.backends(even, odd), plugins);
                Jedis client = new Jedis("127.0.0.1", proxy.port());
                Jedis evenDirect = new Jedis("127.0.0.1", even.port());
                Jedis oddDirect = new Jedis("127.0.0.1", odd.port())) {
            List<String> keysAndValues = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String key = (char) ('a' + i % 26) + "-key-" + i;
                keys.add(key);
                keysAndValues.add(key);
                keysAndValues.add("value-" + i);
            }
            assertEquals("OK", client.mset(keysAndValues.toArray(String[]::new)));

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                expected.add("value-" + i);
                String key = keys.get(i);
                Jedis owner = (key.charAt(0) & 1) == 0 ? evenDirect : oddDirect;
                Jedis other = owner == evenDirect ? oddDirect : evenDirect;
                assertEquals("value-" + i, owner.get(key), key + " is on the server its first byte names");
                assertNull(other.get(key), key + " is on one server only");
            }
            List<String> withMissing = new ArrayList<>(keys);
            withMissing.add(1, "b-missing");
            withMissing.add(0, "a-missing");
            List<String> expectedWithMissing = new ArrayList<>(expected);
            expectedWithMissing.add(1, null);
            expectedWithMissing.add(0, null);
            assertEquals(expectedWithMissing, client.mget(withMissing.toArray(String[]::new)));

            assertEquals(200, client.exists(keys.toArray(String[]::new)));
            assertEquals(200, client.del(keys.toArray(String[]::new)));
            assertEquals(0, client.exists(keys.toArray(String[]::new)));
        }
    }

    @Test
    void aRouterMergesRepliesItselfAndReportsItsOwnMetrics() {
        try (TestProxy proxy = TestProxy.start("router = test-split\n" + TestProxy.backends(even, odd), plugins);
                Jedis client = new Jedis("127.0.0.1", proxy.port());
                Jedis evenDirect = new Jedis("127.0.0.1", even.port());
                Jedis oddDirect = new Jedis("127.0.0.1", odd.port())) {
            client.mset("a-1", "1", "b-1", "1", "c-1", "1");
            assertEquals(evenDirect.dbSize() + oddDirect.dbSize(), client.dbSize());
            JedisDataException error = assertThrows(JedisDataException.class, () -> send(client, "BADMERGE"));
            assertEquals(
                    "ERR router 'test-split' failed: java.lang.IllegalArgumentException: merger failed on purpose",
                    error.getMessage());
            assertEquals("PONG", client.ping(), "the connection carries on");
            assertEquals(
                    3,
                    proxy.server()
                            .metrics()
                            .counter("puerta.plugin.test-split.splits")
                            .getCount());
        }
    }

    @Test
    void aFailedPartFailsTheWholeSplitCommandWithItsError() {
        int nobody = io.puerta.runtime.testing.FreePorts.next();
        String config = "router = test-split\n backends = [{ address = \"" + even.address()
                + "\" }, { address = \"127.0.0.1:" + nobody + "\" }]";
        try (TestProxy proxy = TestProxy.start(config, plugins);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            client.set("b-only-even", "here");
            JedisDataException error =
                    assertThrows(JedisDataException.class, () -> client.mget("b-only-even", "a-odd"));
            assertTrue(
                    error.getMessage().startsWith("ERR backend 127.0.0.1:" + nobody + " unavailable"),
                    error.getMessage());
            assertEquals(List.of("here"), client.mget("b-only-even"), "a split whose parts are all up still works");
        }
    }

    private static String send(Jedis client, String command) {
        ProtocolCommand cmd = () -> SafeEncoder.encode(command);
        Object reply = client.sendCommand(cmd);
        return reply instanceof byte[] bytes ? SafeEncoder.encode(bytes) : String.valueOf(reply);
    }
}
