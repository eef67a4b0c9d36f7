package io.puerta.plugin.redis.cluster;

import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.routing.RouterFactory;
import java.util.List;

/** The redis-cluster plugin: routing to a Redis Cluster for clients without cluster support. */
public final class RedisClusterPlugin implements PuertaPlugin {

    @Override
    public List<RouterFactory> routerFactories() {
        return List.of(new ClusterRouterFactory());
    }

    @Override
    public List<HealthCheckerFactory> healthCheckerFactories() {
        return List.of(new ClusterNodeHealthCheckerFactory());
    }
}
