package io.puerta.plugin.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.redis.cluster.testing.RedisCluster;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.KnownSecrets;
import io.puerta.runtime.testing.LogCapture;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A Redis Cluster whose nodes all require a password, reached through one seed: the topology queries, the learned
 * command table, every discovered node (replicas included, through the health checks) and the pipelined
 * connections log in, and the password appears in no log line.
 */
class ClusterAuthenticationTest {

    @Test
    void aPasswordProtectedClusterIsServedThroughOneSeed() throws Exception {
        String secret = KnownSecrets.make("cluster");
        try (LogCapture logs = LogCapture.start();
                RedisCluster cluster = RedisCluster.start(3, 1, secret)) {
            try (TestProxy proxy = TestProxy.start(
                            "router = redis-cluster\n"
                                    + TestProxy.backends(cluster.masters().get(0))
                                    + "\nbackend.auth.password = \"" + secret + "\"\n"
                                    + "redis-cluster.refresh-interval = 500ms\n"
                                    + "health-check { checker = redis-cluster-node, interval = 200ms }",
                            null);
                    Jedis client = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    keys.add("key:" + i);
                    assertEquals("OK", client.set("key:" + i, "v" + i));
                }
                List<String> values = client.mget(keys.toArray(String[]::new));
                for (int i = 0; i < 100; i++) {
                    assertEquals("v" + i, values.get(i));
                }
                assertEquals(100L, client.dbSize(), "every master answered DBSIZE");
                for (RedisServerProcess master : cluster.masters()) {
                    long held = (Long) RedisCluster.call(master, "DBSIZE");
                    assertTrue(held > 0, "keys on every master: " + master.address());
                }
                Await.until("every node, replicas included, is discovered, checked and up", () -> cluster.all().stream()
                        .allMatch(node -> Boolean.TRUE.equals(proxy.backendUp(node.address()))));
            }
            // the proxy's own users: clients log in to the proxy, which logs in to the cluster as itself
            String appSecret = KnownSecrets.make("app");
            try (TestProxy proxy = TestProxy.start(
                            "router = redis-cluster\n"
                                    + TestProxy.backends(cluster.masters().get(0))
                                    + "\nbackend.auth.password = \"" + secret + "\"\n"
                                    + "auth.users.app { password = \""
                                    + io.puerta.runtime.access.PasswordHash.of(appSecret, 4096)
                                            .encoded()
                                    + "\", keys = [\"app:*\"] }\n",
                            null);
                    Jedis app = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                JedisDataException noauth = assertThrows(JedisDataException.class, () -> app.get("app:1"));
                assertTrue(noauth.getMessage().startsWith("NOAUTH"), noauth.getMessage());
                JedisDataException wrong = assertThrows(JedisDataException.class, () -> app.auth("app", secret));
                assertTrue(wrong.getMessage().startsWith("WRONGPASS"), "the cluster's password is not a user's");
                assertEquals("OK", app.auth("app", appSecret));
                String[] keys = new String[30];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = "app:" + i;
                    app.set(keys[i], "v" + i);
                }
                assertEquals(30, app.mget(keys).size(), "split over the three masters, every key allowed");
                JedisDataException refused =
                        assertThrows(JedisDataException.class, () -> app.mget("app:1", "key:1", "app:2"));
                assertEquals("NOPERM User app has no permissions to access the 'key:1' key", refused.getMessage());
                assertThrows(JedisDataException.class, () -> app.del("app:1", "key:2"));
                assertEquals("v1", app.get("app:1"));
            }
            List<String> lines = logs.lines();
            assertTrue(lines.stream().noneMatch(line -> line.contains(secret)), "the password is never logged");
            assertTrue(
                    lines.stream().noneMatch(line -> line.contains("NOAUTH") || line.contains("refused COMMAND")),
                    "no connection went without its login");
        }
    }
}
