package io.puerta.spi.health;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;

/** Creates a {@link HealthChecker}. Selected by {@link #name()} with {@code puerta.health-check.checker}. */
public interface HealthCheckerFactory {

    /** The name the configuration selects, unique across all loaded plugins, in kebab-case. */
    String name();

    /** Creates the checker from the whole effective configuration. */
    HealthChecker create(Config config, PluginContext context);
}
