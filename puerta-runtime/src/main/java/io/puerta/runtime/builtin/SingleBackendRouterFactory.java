package io.puerta.runtime.builtin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.puerta.spi.PluginContext;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;

/** {@code single-backend}: every request goes, unchanged, to the first configured backend. */
public final class SingleBackendRouterFactory implements RouterFactory {

    @Override
    public String name() {
        return "single-backend";
    }

    @Override
    public Protocol protocol() {
        return Protocol.RESP;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        if (context.configuredBackends().isEmpty()) {
            throw new ConfigException.BadValue(
                    config.origin(),
                    "puerta.backends",
                    "the single-backend router needs one backend; none is configured");
        }
        RouteDecision decision =
                RouteDecision.forward(context.configuredBackends().get(0));
        return request -> decision;
    }
}
