package io.puerta.plugin.pikiwidb;

import io.puerta.plugin.pikiwidb.routing.RingRouterFactory;
import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.routing.RouterFactory;
import java.util.List;

/** The pikiwidb plugin: sharding standalone Redis-protocol servers (pikiwidb/Pika, Redis, Valkey). */
public final class PikiwidbPlugin implements PuertaPlugin {

    @Override
    public List<RouterFactory> routerFactories() {
        return List.of(new RingRouterFactory(), new io.puerta.plugin.pikiwidb.slots.SlotsRouterFactory());
    }

    @Override
    public List<HealthCheckerFactory> healthCheckerFactories() {
        return List.of(new PingHealthCheckerFactory());
    }
}
