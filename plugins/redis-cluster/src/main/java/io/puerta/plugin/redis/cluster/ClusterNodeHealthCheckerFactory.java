package io.puerta.plugin.redis.cluster;

import com.typesafe.config.Config;
import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.plugin.redis.common.resp.RespError;
import io.puerta.spi.PluginContext;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.health.HealthResult;
import java.nio.charset.StandardCharsets;

/**
 * {@code redis-cluster-node}: a node is healthy when it answers PING and its CLUSTER INFO says
 * {@code cluster_state:ok}. A node that answers but whose cluster is failing is reported down with the reason.
 */
public final class ClusterNodeHealthCheckerFactory implements HealthCheckerFactory {

    @Override
    public String name() {
        return "redis-cluster-node";
    }

    @Override
    public HealthChecker create(Config config, PluginContext context) {
        return (backend, timeout) -> {
            try (BlockingRespClient client = BlockingRespClient.connect(backend, timeout)) {
                Object pong = client.call("PING");
                if (!"PONG".equals(pong)) {
                    return HealthResult.down("PING answered " + describe(pong));
                }
                Object info = client.call("CLUSTER", "INFO");
                if (!(info instanceof byte[] text)) {
                    return HealthResult.down("CLUSTER INFO answered " + describe(info));
                }
                String state = clusterState(new String(text, StandardCharsets.UTF_8));
                return "ok".equals(state)
                        ? HealthResult.up("cluster_state:ok")
                        : HealthResult.down("cluster_state:" + state);
            }
        };
    }

    private static String clusterState(String info) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith("cluster_state:")) {
                return line.substring("cluster_state:".length()).trim();
            }
        }
        return "missing";
    }

    private static String describe(Object reply) {
        if (reply instanceof RespError error) {
            return "-" + error.message();
        }
        return String.valueOf(reply);
    }
}
