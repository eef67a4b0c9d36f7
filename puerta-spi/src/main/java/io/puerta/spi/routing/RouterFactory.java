package io.puerta.spi.routing;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.request.Protocol;

/** Creates a {@link Router}. Selected by {@link #name()} with {@code puerta.router}. */
public interface RouterFactory {

    /** The name the configuration selects, unique across all loaded plugins, in kebab-case. */
    String name();

    /** The protocol the routers of this factory understand. */
    Protocol protocol();

    /**
     * Creates the router. {@code config} is the whole effective configuration (the user's file over every
     * {@code reference.conf}); a factory reads its own subtree, conventionally {@code puerta.<plugin-name>}, and
     * throws {@link com.typesafe.config.ConfigException} for bad settings so that the runtime can report them with
     * every other problem.
     */
    Router create(Config config, PluginContext context);
}
