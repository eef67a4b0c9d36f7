package io.puerta.testplugin;

import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.routing.RouterFactory;
import java.util.List;

public final class TestPlugin implements PuertaPlugin {
    @Override
    public List<RouterFactory> routerFactories() {
        return List.of(new SplitRouterFactory(), new ThrowingRouterFactory(), new ProbeRouterFactory(), new PreludeRouterFactory(),
                new TryAgainRouterFactory());
    }
}
