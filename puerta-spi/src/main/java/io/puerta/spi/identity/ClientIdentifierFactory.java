package io.puerta.spi.identity;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;

/** Creates a {@link ClientIdentifier}. Selected by {@link #name()} with {@code puerta.client-identifier}. */
public interface ClientIdentifierFactory {

    /** The name the configuration selects, unique across all loaded plugins, in kebab-case. */
    String name();

    /** Creates the identifier from the whole effective configuration. */
    ClientIdentifier create(Config config, PluginContext context);
}
