package io.puerta.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Three Puerta instances sharing one configuration in a real etcd: a change pushed once reaches all three, each
 * says which revision it runs with, a change they cannot take is reported by each and changes nothing, and the
 * fleet's membership follows instances as they come and go.
 */
class FleetConfigTest {

    private static EtcdCluster etcd;
    private static RedisServerProcess first;
    private static RedisServerProcess second;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServers() {
        etcd = EtcdCluster.start(1);
        first = RedisServerProcess.start();
        second = RedisServerProcess.start();
    }

    @AfterAll
    static void stopServers() {
        first.close();
        second.close();
        etcd.close();
    }

    private static String shared(RedisServerProcess... servers) {
        return "puerta {\n  router = \"pikiwidb-ring\"\n  " + TestProxy.backends(servers) + "\n}\n";
    }

    @Test
    void aChangePushedOnceReachesEveryInstance() {
        try (Fleet fleet = new Fleet(etcd, dir, "/puerta/change")) {
            long initial = fleet.push(shared(first));
            List<TestProxy> proxies = List.of(fleet.start("p1"), fleet.start("p2"), fleet.start("p3"));
            for (TestProxy proxy : proxies) {
                assertEquals(initial, Fleet.appliedRevision(proxy));
            }
            try (Jedis p1 = new Jedis("127.0.0.1", proxies.get(0).port());
                    Jedis onFirst = new Jedis("127.0.0.1", first.port());
                    Jedis onSecond = new Jedis("127.0.0.1", second.port())) {
                p1.set("fleet:before", "1");
                assertEquals("1", onFirst.get("fleet:before"));

                long next = fleet.push(shared(second));
                assertTrue(next > initial);
                for (TestProxy proxy : proxies) {
                    Await.until(
                            "every instance runs with revision " + next, () -> Fleet.appliedRevision(proxy) == next);
                }
                for (TestProxy proxy : proxies) {
                    try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
                        String key = "fleet:after:" + proxy.port();
                        client.set(key, "2");
                        assertEquals("2", onSecond.get(key), "the new backend serves the key");
                        assertNull(onFirst.get(key), "the old backend no longer does");
                    }
                }
                // every member reports the revision it applied; nobody is behind
                Await.until(
                        "fleet status lists three members at revision " + next,
                        () -> fleet.cli("fleet", "status").out().contains("3 member(s)")
                                && !fleet.cli("fleet", "status").out().contains("BEHIND"));
                Fleet.Cli status = fleet.cli("fleet", "status");
                for (String member : List.of("p1", "p2", "p3")) {
                    assertTrue(status.out().contains(member), status.out());
                }
                var gauges = proxies.get(1).server().metrics().getGauges();
                assertEquals(1, gauges.get("puerta.fleet.reachable").getValue());
                assertEquals(next, gauges.get("puerta.fleet.applied-revision").getValue());
                Await.until("the members gauge counts three", () -> Long.valueOf(3)
                        .equals(gauges.get("puerta.fleet.members").getValue()));
                Config fleetStatus = Fleet.status(proxies.get(1)).getConfig("fleet");
                assertTrue(fleetStatus.getBoolean("reachable"));
                assertEquals("etcd", fleetStatus.getString("kind"));
                Fleet.Cli show = fleet.cli("config", "show");
                assertEquals(0, show.code(), show.err());
                assertTrue(show.out().contains("revision " + next), show.out());
                assertTrue(show.out().contains(second.address()), show.out());
            }
        }
    }

    @Test
    void aChangeNoInstanceCanTakeIsReportedAndChangesNothing() throws Exception {
        try (Fleet fleet = new Fleet(etcd, dir, "/puerta/rejected")) {
            long good = fleet.push(shared(first));
            TestProxy proxy = fleet.start("p1");

            // the command line checks before it writes: nothing reaches etcd
            Path bad = dir.resolve("bad.conf");
            Files.writeString(bad, "puerta { router = \"no-such-router\" }\n");
            Fleet.Cli refused = fleet.cli("config", "push", bad.toString());
            assertEquals(1, refused.code());
            assertTrue(refused.err().contains("no router named 'no-such-router'"), refused.err());
            assertTrue(fleet.cli("config", "show").out().contains("revision " + good));

            // settings that belong to each instance are refused in the shared configuration
            Files.writeString(bad, "puerta { listen.port = 7777 }\n");
            Fleet.Cli local = fleet.cli("config", "push", bad.toString());
            assertEquals(1, local.code());
            assertTrue(local.err().contains("puerta.listen belongs to each instance's own file"), local.err());

            // written behind the command line's back: the instance rejects it, keeps serving, and says so
            long written;
            try (io.etcd.jetcd.Client client = io.etcd.jetcd.Client.builder()
                    .endpoints(etcd.endpoints().toArray(String[]::new))
                    .build()) {
                written = client.getKVClient()
                        .put(Etcd.bytes("/puerta/rejected/config"), Etcd.bytes("puerta { backends = 42 }"))
                        .get()
                        .getHeader()
                        .getRevision();
            }
            Await.until(
                    "the instance reports the rejected revision",
                    () -> fleet.cli("fleet", "status").out().contains("BEHIND rejected"));
            assertEquals(good, Fleet.appliedRevision(proxy));
            assertNotEquals(good, written);
            try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
                client.set("still", "served");
                assertEquals("served", client.get("still"));
            }
        }
    }

    @Test
    void membershipFollowsInstancesAsTheyComeAndGo() {
        try (Fleet fleet = new Fleet(etcd, dir, "/puerta/members")) {
            fleet.push(shared(first));
            TestProxy p1 = fleet.start("p1");
            TestProxy p2 = fleet.start("p2");
            Await.until(
                    "p1 sees both members",
                    () -> Fleet.status(p1).getConfigList("fleet.members").size() == 2);
            Config member = Fleet.status(p1).getConfigList("fleet.members").stream()
                    .filter(m -> m.getString("name").equals("p2"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("127.0.0.1:" + p2.port(), member.getString("address"));
            assertEquals("127.0.0.1:" + p2.adminPort(), member.getString("admin"));
            assertTrue(member.getBoolean("ready"));
            assertFalse(member.getBoolean("behind"));

            // an instance that stops leaves at once (its lease is revoked), not when the lease runs out
            p2.close();
            Await.until("p2 has left", Duration.ofSeconds(2), () -> fleet.cli("fleet", "status")
                    .out()
                    .contains("1 member(s)"));
            Await.until(
                    "p1's status follows",
                    () -> Fleet.status(p1).getConfigList("fleet.members").size() == 1);
        }
    }
}
