package io.puerta.testplugin;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.PluginException;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;

/** Forwards to the first backend, but fails on purpose: BOOM throws, REFUSE refuses, NODECISION returns null. */
public final class ThrowingRouterFactory implements RouterFactory {
    @Override
    public String name() {
        return "test-throwing";
    }

    @Override
    public Protocol protocol() {
        return Protocol.RESP;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        RouteDecision forward = RouteDecision.forward(context.configuredBackends().get(0));
        return request -> {
            String name = ((RespCommand) request).name();
            if (name.equals("BOOM")) {
                throw new IllegalStateException("boom on purpose");
            }
            if (name.equals("REFUSE")) {
                throw new PluginException("CROSSSLOT refused on purpose");
            }
            if (name.equals("NODECISION")) {
                return null;
            }
            return forward;
        };
    }
}
