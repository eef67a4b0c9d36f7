package io.puerta.plugin.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import com.typesafe.config.ConfigFactory;
import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestingBackend;
import io.puerta.spi.PluginContext;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterNodeHealthCheckerFactoryTest {

    private final HealthChecker checker =
            new ClusterNodeHealthCheckerFactory().create(ConfigFactory.empty(), mock(PluginContext.class));

    @Test
    void aServerWithoutClusterSupportIsDown() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            HealthResult result = checker.check(TestingBackend.loopback(redis.port()), Duration.ofSeconds(1));
            assertFalse(result.healthy());
            assertTrue(result.detail().startsWith("CLUSTER INFO answered -ERR"), result.detail());
        }
    }

    @Test
    void aClusterNodeIsDownUntilItsClusterServesEverySlot() throws Exception {
        try (RedisServerProcess node = RedisServerProcess.startOn(
                        io.puerta.runtime.testing.FreePorts.clusterNode(), "--cluster-enabled", "yes");
                BlockingRespClient admin = new BlockingRespClient("127.0.0.1", node.port(), Duration.ofSeconds(2))) {
            assertEquals(
                    HealthResult.down("cluster_state:fail"),
                    checker.check(TestingBackend.loopback(node.port()), Duration.ofSeconds(1)));
            String[] addSlots = new String[2 + 16384];
            addSlots[0] = "CLUSTER";
            addSlots[1] = "ADDSLOTS";
            for (int slot = 0; slot < 16384; slot++) {
                addSlots[2 + slot] = Integer.toString(slot);
            }
            assertEquals("OK", admin.call(addSlots));
            HealthResult result = null;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                result = checker.check(TestingBackend.loopback(node.port()), Duration.ofSeconds(1));
                if (result.healthy()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(HealthResult.up("cluster_state:ok"), result);
        }
    }
}
