package io.puerta.spi;

import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.identity.ClientIdentifierFactory;
import io.puerta.spi.routing.RouterFactory;
import java.util.List;

/**
 * The root of a plugin: every method has a default returning an empty list, so adding a new kind of factory in a
 * later SPI version never breaks an existing plugin.
 */
public interface PuertaPlugin {

    /** Routers this plugin offers, selected with {@code puerta.router}. */
    default List<RouterFactory> routerFactories() {
        return List.of();
    }

    /** Client identification strategies, selected with {@code puerta.client-identifier}. */
    default List<ClientIdentifierFactory> clientIdentifierFactories() {
        return List.of();
    }

    /** Backend health checkers, selected with {@code puerta.health-check.checker}. */
    default List<HealthCheckerFactory> healthCheckerFactories() {
        return List.of();
    }

    /** Configuration sources, selected with {@code puerta.config-source.kind} ("file" needs no plugin). */
    default List<io.puerta.spi.config.ConfigSourceFactory> configSourceFactories() {
        return List.of();
    }
}
