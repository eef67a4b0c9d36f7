package io.puerta.plugin.pikiwidb.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.KnownSecrets;
import io.puerta.runtime.testing.LogCapture;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Backends that require a login, sharded by the pikiwidb ring: one with a password ({@code requirepass}), read from a
 * file, as the pool's default; one where the proxy logs in as an ACL user of its own. Every kind of connection logs
 * in (pipelined, a blocking command's, a subscriber's, the health checks'); a wrong password is named, per backend,
 * and marks the backend down; and no secret reaches a log line or a reply.
 */
class BackendAuthenticationTest {

    private static final String POOL_SECRET = KnownSecrets.make("pool");
    private static final String ACL_SECRET = KnownSecrets.make("acl");
    private static final String WRONG_SECRET = KnownSecrets.make("wrong");

    private static RedisServerProcess withPassword;
    private static RedisServerProcess withUser;
    private static LogCapture logs;
    private static Path passwordFile;
    private static final List<String> replies = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.start();
        withPassword = RedisServerProcess.start("--requirepass", POOL_SECRET);
        // the default user has a password the proxy is not given: it must log in as "app"
        withUser = RedisServerProcess.start(
                "--requirepass",
                KnownSecrets.make("unused-default"),
                "--user",
                "app",
                "on",
                ">" + ACL_SECRET,
                "~*",
                "&*",
                "+@all");
        passwordFile = Files.createTempFile("puerta-backend", ".secret");
        Files.writeString(passwordFile, POOL_SECRET + "\n");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            List<String> leaked = logs.lines().stream()
                    .filter(line ->
                            line.contains(POOL_SECRET) || line.contains(ACL_SECRET) || line.contains(WRONG_SECRET))
                    .toList();
            assertEquals(List.of(), leaked, "no secret in any log line, at any level");
            for (String reply : replies) {
                assertFalse(reply.contains(POOL_SECRET) || reply.contains(ACL_SECRET) || reply.contains(WRONG_SECRET));
            }
            assertTrue(logs.lines().size() > 10, "the logs were captured");
        } finally {
            logs.close();
            withPassword.close();
            withUser.close();
            Files.deleteIfExists(passwordFile);
        }
    }

    private static TestProxy proxy(String poolAuth) {
        return proxy(
                poolAuth,
                "health-check { checker = redis-ping, interval = 100ms, timeout = 500ms, fall = 1, rise = 1 }");
    }

    private static TestProxy proxy(String poolAuth, String healthCheck) {
        return TestProxy.start(
                // murmur: the default fnv1a_64 (twemproxy's) puts keys as alike as these on one server half the time
                "router = pikiwidb-ring\npikiwidb.hash = murmur\n"
                        + "backend.auth { " + poolAuth + " }\n"
                        + "backends = [\n"
                        + "  { address = \"" + withPassword.address() + "\" }\n"
                        + "  { address = \"" + withUser.address() + "\", auth { username = app, password = \""
                        + ACL_SECRET + "\" } }\n"
                        + "]\n"
                        + healthCheck,
                null);
    }

    @Test
    void everyConnectionToEveryBackendLogsIn() throws Exception {
        try (TestProxy proxy = proxy("password-file = \"" + passwordFile + "\"");
                Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            // pipelined connections, to both servers
            for (int i = 0; i < 50; i++) {
                assertEquals("OK", client.set("k" + i, "v" + i));
            }
            List<String> all = client.mget("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
            assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), all);
            try (Jedis direct = new Jedis("127.0.0.1", withUser.port(), 5_000)) {
                direct.auth("app", ACL_SECRET);
                assertTrue(direct.dbSize() > 0, "keys landed on the ACL server too");
                assertTrue(direct.clientList().contains("user=app"), "the proxy is logged in as app there");
            }
            // a blocking command, on the client's own connection
            assertNull(client.blpop(1, "nothing-here"));
            // a subscriber's connection
            CountDownLatch received = new CountDownLatch(1);
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    received.countDown();
                    unsubscribe();
                }
            };
            try (Jedis subscriber = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                CompletableFuture<Void> loop = CompletableFuture.runAsync(() -> subscriber.subscribe(listener, "news"));
                Await.until("the subscription is active", () -> client.publish("news", "hello") == 1);
                assertTrue(received.await(10, TimeUnit.SECONDS), "the subscriber got the message");
                loop.get(10, TimeUnit.SECONDS);
            }
            // the health checks log in too: both servers are up
            Await.until(
                    "both backends checked and up",
                    () -> Boolean.TRUE.equals(proxy.backendUp(withPassword.address()))
                            && Boolean.TRUE.equals(proxy.backendUp(withUser.address())));
        }
    }

    @Test
    void aWrongPasswordFailsThatBackendsRequestsWithItsReason() {
        try (TestProxy proxy = proxy("password = \"" + WRONG_SECRET + "\"", "");
                Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            // keys on both servers: the one behind the wrong password answers with why, the other serves
            List<String> errors = new ArrayList<>();
            int served = 0;
            for (int i = 0; i < 40; i++) {
                try {
                    client.set("key" + i, "v");
                    served++;
                } catch (JedisDataException e) {
                    errors.add(e.getMessage());
                }
            }
            replies.addAll(errors);
            assertTrue(served > 0, "the server the proxy can log in to still serves: " + errors);
            assertFalse(errors.isEmpty(), "the other one's keys fail");
            for (String error : errors) {
                assertTrue(
                        error.startsWith("ERR backend " + withPassword.address() + " authentication failed: WRONGPASS"),
                        error);
            }
        }
    }

    @Test
    void aWrongPasswordMarksTheBackendDown() {
        try (TestProxy proxy = proxy("password = \"" + WRONG_SECRET + "\"")) {
            Await.until(
                    "the health checks mark it down",
                    () -> Boolean.FALSE.equals(proxy.backendUp(withPassword.address())));
            Await.until("the other is up", () -> Boolean.TRUE.equals(proxy.backendUp(withUser.address())));
        }
        assertTrue(
                logs.lines().stream()
                        .anyMatch(line -> line.contains("is down") && line.contains("authentication failed")),
                "the reason is logged, without the secret");
    }

    @Test
    void aMissingPasswordFileIsAConfigurationProblemThatNamesTheFile() {
        RuntimeException error =
                assertThrows(RuntimeException.class, () -> proxy("password-file = \"/nonexistent/puerta-password\""));
        String message = String.valueOf(error.getMessage()) + error.getCause();
        assertTrue(message.contains("puerta.backend.auth.password-file: cannot read"), message);
    }
}
