package io.puerta.plugin.pikiwidb.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.access.PasswordHash;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.KnownSecrets;
import io.puerta.runtime.testing.LogCapture;
import io.puerta.runtime.testing.RawClient;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Clients log in to the proxy itself, as users of {@code puerta.auth.users}, and are held to their rights on every
 * key, including each key of a command split over two real redis-servers: AUTH (one and two arguments), HELLO ...
 * AUTH, NOAUTH before a login, WRONGPASS and its slowdown, key patterns, read-only, command rules by name and by
 * category (the servers' own categories, learned from their COMMAND reply), the audit trail, and no password in any
 * log line or reply.
 */
class ProxyAuthenticationTest {

    private static final String ADMIN_SECRET = KnownSecrets.make("admin");
    private static final String APP_SECRET = KnownSecrets.make("app");
    private static final String READER_SECRET = KnownSecrets.make("reader");
    private static final String DEFAULT_SECRET = KnownSecrets.make("default");
    private static final String WRONG_SECRET = KnownSecrets.make("wrong");

    private static RedisServerProcess first;
    private static RedisServerProcess second;
    private static LogCapture logs;
    private static TestProxy proxy;
    private static final List<String> replies = new ArrayList<>();

    @BeforeAll
    static void start() {
        logs = LogCapture.start();
        first = RedisServerProcess.start();
        second = RedisServerProcess.start();
        proxy = TestProxy.start(
                "router = pikiwidb-ring\npikiwidb.hash = murmur\n"
                        + TestProxy.backends(first, second) + "\n"
                        + "auth {\n"
                        + "  failures-before-delay = 2\n"
                        + "  max-failure-delay = 1s\n"
                        + "  users {\n"
                        + "    admin { password = \""
                        + PasswordHash.of(ADMIN_SECRET, 4096).encoded() + "\" }\n"
                        // plain text: accepted, with a warning
                        + "    app { password = \"" + APP_SECRET + "\", keys = [\"app:*\"],"
                        + " commands = [\"+@all\", \"-@dangerous\", \"-@hyperloglog\"] }\n"
                        + "    reader { password = \""
                        + PasswordHash.of(READER_SECRET, 4096).encoded() + "\","
                        + " read-only = true }\n"
                        + "    default { password = \""
                        + PasswordHash.of(DEFAULT_SECRET, 4096).encoded() + "\","
                        + " commands = [\"+get\", \"+set\", \"+ping\"] }\n"
                        + "  }\n"
                        + "}\n",
                null);
    }

    @AfterAll
    static void stop() {
        try {
            List<String> secrets = List.of(ADMIN_SECRET, APP_SECRET, READER_SECRET, DEFAULT_SECRET, WRONG_SECRET);
            List<String> leaked = logs.lines().stream()
                    .filter(line -> secrets.stream().anyMatch(line::contains))
                    .toList();
            assertEquals(List.of(), leaked, "no password in any log line, at any level");
            for (String reply : replies) {
                assertTrue(secrets.stream().noneMatch(reply::contains), reply);
            }
            assertTrue(
                    logs.lines().stream().anyMatch(l -> l.contains("auth.users.app.password is plain text")),
                    "a plain-text password is warned about");
        } finally {
            logs.close();
            proxy.close();
            first.close();
            second.close();
        }
    }

    private static String error(Runnable call) {
        JedisDataException refused = assertThrows(JedisDataException.class, call::run);
        replies.add(refused.getMessage());
        return refused.getMessage();
    }

    private static long dbSize(RedisServerProcess server) {
        try (Jedis direct = new Jedis("127.0.0.1", server.port(), 5_000)) {
            return direct.dbSize();
        }
    }

    private static Jedis as(String user, String password) {
        return new Jedis(
                new HostAndPort("127.0.0.1", proxy.port()),
                DefaultJedisClientConfig.builder()
                        .user(user)
                        .password(password)
                        .timeoutMillis(10_000)
                        .build());
    }

    @Test
    void beforeALoginOnlyAuthHelloPingAndQuitAreAnswered() {
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("GET app:1\r\nPING\r\nSET x 1\r\nHELLO 2\r\nQUIT\r\n");
            assertEquals("-NOAUTH Authentication required.", raw.readLine());
            assertEquals("+PONG", raw.readLine());
            assertEquals("-NOAUTH Authentication required.", raw.readLine());
            assertTrue(raw.readLine().startsWith("-NOAUTH HELLO must be called with the client already authenticated"));
            assertEquals("+OK", raw.readLine());
        }
    }

    @Test
    void aPipelineThatLogsInRunsTheRestAsThatUserInOrder() {
        try (RawClient raw = new RawClient(proxy.port())) {
            // one write: the requests after AUTH wait for the password check, then run as app
            raw.send("AUTH app " + APP_SECRET + "\r\nSET app:pipelined 1\r\nGET app:pipelined\r\nGET other:1\r\n"
                    + "AUTH app " + WRONG_SECRET + "\r\nGET app:pipelined\r\n");
            assertEquals("+OK", raw.readLine());
            assertEquals("+OK", raw.readLine());
            assertEquals("$1", raw.readLine());
            assertEquals("1", raw.readLine());
            String refused = raw.readLine();
            replies.add(refused);
            assertEquals("-NOPERM User app has no permissions to access the 'other:1' key", refused);
            String wrong = raw.readLine();
            replies.add(wrong);
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", wrong);
            // a failed AUTH keeps the user logged in before it, as in Redis
            assertEquals("$1", raw.readLine());
            assertEquals("1", raw.readLine());
        }
    }

    @Test
    void aWrongPasswordIsWrongpassAndRepeatedFailuresAreSlowedDown() {
        try (RawClient raw = new RawClient("127.0.0.9", proxy.port())) {
            long[] took = new long[4];
            for (int i = 0; i < took.length; i++) {
                long start = System.nanoTime();
                raw.send("AUTH admin " + WRONG_SECRET + "\r\n");
                String reply = raw.readLine();
                took[i] = (System.nanoTime() - start) / 1_000_000;
                replies.add(reply);
                assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", reply);
            }
            // two free failures, then 100 ms, then 200 ms
            assertTrue(took[2] >= 90, "the third failure waited: " + took[2] + " ms");
            assertTrue(took[3] >= 190, "the fourth waited longer: " + took[3] + " ms");
            raw.send("AUTH no-such-user " + WRONG_SECRET + "\r\n");
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", raw.readLine());
            raw.send("AUTH admin " + ADMIN_SECRET + "\r\nDBSIZE\r\n");
            assertEquals("+OK", raw.readLine());
            assertTrue(raw.readLine().startsWith(":"));
        }
        List<String> audit =
                logs.lines().stream().filter(l -> l.startsWith("puerta.audit")).toList();
        assertTrue(
                audit.stream()
                        .anyMatch(l -> l.contains("\"event\":\"auth-failed\"")
                                && l.contains("\"user\":\"admin\"")
                                && l.contains("\"source\":\"127.0.0.9\"")
                                && l.contains("\"reason\":\"wrong password\"")),
                String.join("\n", audit));
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"reason\":\"no such user\"")));
        assertTrue(audit.stream()
                .anyMatch(l -> l.contains("\"event\":\"auth-succeeded\"") && l.contains("\"source\":\"127.0.0.9\"")));
    }

    @Test
    void aUserLimitedToAppKeysIsRefusedOtherKeysEvenInOneSplitCommand() {
        try (Jedis app = as("app", APP_SECRET);
                Jedis admin = as("admin", ADMIN_SECRET)) {
            for (int i = 0; i < 20; i++) {
                assertEquals("OK", app.set("app:" + i, "v" + i));
            }
            assertTrue(dbSize(first) > 0 && dbSize(second) > 0, "app:* keys are on both servers");
            // MGET over both servers: allowed, split and merged
            assertEquals(List.of("v1", "v2", "v3"), app.mget("app:1", "app:2", "app:3"));
            assertEquals("OK", admin.set("other:2", "secret"));
            String refused = error(() -> app.mget("app:1", "other:2"));
            assertEquals("NOPERM User app has no permissions to access the 'other:2' key", refused);
            error(() -> app.del("app:1", "app:2", "other:2"));
            assertEquals("v1", app.get("app:1"), "a refused DEL deletes none of its keys");
            assertTrue(error(() -> app.set("other:1", "x")).contains("'other:1' key"));
            assertTrue(error(app::flushAll).contains("no permissions to run the 'flushall' command"));
            assertTrue(error(() -> app.keys("*")).contains("'keys' command"));
        }
    }

    @Test
    void categoriesComeFromTheServersCommandTable() {
        try (Jedis app = as("app", APP_SECRET)) {
            // @hyperloglog exists only in the servers' words: refused once the proxy has learned them
            Await.until("PFADD is refused by its learned category", () -> {
                try {
                    app.pfadd("app:hll", "a");
                    return false;
                } catch (JedisDataException e) {
                    replies.add(e.getMessage());
                    return e.getMessage().contains("no permissions to run the 'pfadd' command");
                }
            });
            assertEquals("OK", app.set("app:still", "fine"));
        }
    }

    @Test
    void aReadOnlyUserReadsButCannotWrite() {
        try (Jedis admin = as("admin", ADMIN_SECRET);
                Jedis reader = as("reader", READER_SECRET)) {
            admin.set("shared:1", "one");
            assertEquals("one", reader.get("shared:1"));
            assertEquals(List.of("one"), reader.mget("shared:1"));
            assertTrue(error(() -> reader.set("shared:1", "two")).contains("is read-only"));
            assertTrue(error(() -> reader.del("shared:1")).contains("is read-only"));
            assertTrue(error(() -> reader.eval("return 1", 0)).contains("is read-only"));
            assertEquals("one", admin.get("shared:1"));
        }
    }

    @Test
    void authWithOnePasswordLogsInAsDefaultAndHelloAuthLogsInAndSaysHello() {
        try (Jedis plain = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
            assertEquals("OK", plain.auth(DEFAULT_SECRET));
            assertEquals("OK", plain.set("anything", "1"));
            assertTrue(error(() -> plain.del("anything")).contains("no permissions to run the 'del' command"));
        }
        try (RawClient raw = new RawClient(proxy.port())) {
            raw.send("HELLO 2 AUTH admin " + ADMIN_SECRET + " SETNAME tool\r\nDBSIZE\r\n");
            assertEquals("*14", raw.readLine());
            Map<String, String> hello = new java.util.HashMap<>();
            for (int i = 0; i < 7; i++) {
                raw.readLine();
                String key = raw.readLine();
                String value = raw.readLine();
                if (value.startsWith("$")) {
                    value = raw.readLine();
                } else if (value.startsWith("*")) {
                    value = "[]";
                }
                hello.put(key, value);
            }
            assertEquals("puerta", hello.get("server"));
            assertTrue(raw.readLine().startsWith(":"), "logged in: DBSIZE answered");
            raw.send("HELLO 2 AUTH admin " + WRONG_SECRET + "\r\n");
            String wrong = raw.readLine();
            replies.add(wrong);
            assertTrue(wrong.startsWith("-WRONGPASS"), wrong);
        }
    }
}
