package io.puerta.runtime.builtin;

import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.routing.RouterFactory;
import java.util.List;

/** What the runtime offers without any plugin jar: the simplest router and a TCP health check. */
public final class BuiltinPlugin implements PuertaPlugin {

    @Override
    public List<RouterFactory> routerFactories() {
        return List.of(new SingleBackendRouterFactory());
    }

    @Override
    public List<HealthCheckerFactory> healthCheckerFactories() {
        return List.of(new TcpConnectHealthCheckerFactory());
    }
}
