package io.puerta.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The fleet shown to a cluster client as one Redis Cluster (puerta.cluster-view): a JedisCluster given one
 * instance spreads its requests over all three, and follows the fleet when one leaves.
 */
class FleetClusterViewTest {

    @TempDir
    Path dir;

    private static long requests(TestProxy proxy) {
        return proxy.server().metrics().getMeters().get("puerta.requests").getCount();
    }

    @Test
    void aClusterClientSpreadsOverTheFleetAndFollowsAMemberLeaving() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1);
                RedisServerProcess server = RedisServerProcess.start();
                Fleet fleet = new Fleet(etcd, dir, "/puerta/view")) {
            fleet.push("puerta {\n router = \"pikiwidb-ring\"\n " + TestProxy.backends(server)
                    + "\n cluster-view = true\n}\n");
            List<TestProxy> proxies = List.of(fleet.start("p1"), fleet.start("p2"), fleet.start("p3"));
            Await.until("every instance shows three nodes", () -> proxies.stream()
                    .allMatch(proxy -> clusterSlots(proxy) == 3));

            try (Jedis direct = new Jedis("127.0.0.1", proxies.get(1).port())) {
                String nodes = direct.clusterNodes();
                assertEquals(3, nodes.lines().count(), nodes);
                assertTrue(
                        nodes.lines()
                                .anyMatch(line -> line.contains("myself,master")
                                        && line.contains(
                                                "127.0.0.1:" + proxies.get(1).port() + "@")),
                        nodes);
                assertTrue(direct.clusterInfo().contains("cluster_state:ok"));
                assertEquals(40, direct.clusterMyId().length());
                JedisDataException refused =
                        org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class, direct::clusterReset);
                assertTrue(
                        refused.getMessage().contains("not served by the proxy's cluster view"), refused.getMessage());
            }

            long[] before =
                    proxies.stream().mapToLong(FleetClusterViewTest::requests).toArray();
            try (JedisCluster cluster = new JedisCluster(
                    Set.of(new HostAndPort("127.0.0.1", proxies.get(0).port())),
                    2000,
                    2000,
                    5,
                    new GenericObjectPoolConfig<Connection>())) {
                for (int i = 0; i < 600; i++) {
                    cluster.set("view:" + i, Integer.toString(i));
                }
                for (int i = 0; i < proxies.size(); i++) {
                    assertTrue(
                            requests(proxies.get(i)) - before[i] > 50,
                            "instance " + (i + 1) + " served " + (requests(proxies.get(i)) - before[i]));
                }

                // one leaves: the client renews its view from another and goes on, losing nothing
                proxies.get(2).close();
                long[] after = proxies.stream()
                        .mapToLong(FleetClusterViewTest::requests)
                        .toArray();
                for (int i = 0; i < 600; i++) {
                    assertEquals(Integer.toString(i), cluster.get("view:" + i));
                    cluster.set("view:" + i, "again " + i);
                }
                assertTrue(requests(proxies.get(0)) - after[0] > 100);
                assertTrue(requests(proxies.get(1)) - after[1] > 100);
                Await.until("p1 shows two nodes", () -> clusterSlots(proxies.get(0)) == 2);
            }
            try (Jedis direct = new Jedis("127.0.0.1", server.port())) {
                for (int i = 0; i < 600; i++) {
                    assertEquals("again " + i, direct.get("view:" + i));
                }
            }
        }
    }

    /** How many slot ranges (one per member) an instance shows. */
    private static int clusterSlots(TestProxy proxy) {
        try (Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            return client.clusterSlots().size();
        }
    }
}
