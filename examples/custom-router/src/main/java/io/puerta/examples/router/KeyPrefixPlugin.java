package io.puerta.examples.router;

import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.routing.RouterFactory;
import java.util.List;

/** The plugin entry point, named in META-INF/services/io.puerta.spi.PuertaPlugin. */
public final class KeyPrefixPlugin implements PuertaPlugin {

    @Override
    public List<RouterFactory> routerFactories() {
        return List.of(new KeyPrefixRouterFactory());
    }
}
