package io.puerta.spi.config;

import com.typesafe.config.Config;

/** Opens a {@link ConfigSource}. Selected by {@link #name()} with {@code puerta.config-source.kind}. */
public interface ConfigSourceFactory {

    /** The name the configuration selects, unique across all loaded plugins, in kebab-case. */
    String name();

    /**
     * Opens the source from the instance's own configuration (its local file, with the plugin's reference
     * configuration: the source's address and credentials live there). Connects lazily or within its own timeout;
     * never waits without bound.
     *
     * @throws com.typesafe.config.ConfigException for settings of the source that are not valid
     */
    ConfigSource open(Config local);
}
