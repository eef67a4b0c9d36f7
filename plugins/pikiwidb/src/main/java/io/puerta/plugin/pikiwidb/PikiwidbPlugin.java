package io.puerta.plugin.pikiwidb;

import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.health.HealthCheckerFactory;
import java.util.List;

/** The pikiwidb plugin: sharding standalone Redis-protocol servers (pikiwidb/Pika, Redis, Valkey). */
public final class PikiwidbPlugin implements PuertaPlugin {

    @Override
    public List<HealthCheckerFactory> healthCheckerFactories() {
        return List.of(new PingHealthCheckerFactory());
    }
}
