package io.puerta.testplugin;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.PluginException;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;

/**
 * Forwards to the first backend, but answers TRYAGAIN (as a fleet's move holding a slot) for the first three
 * routings of each SET of a key starting "held:", and always for a SET of a key starting "never:".
 */
public final class TryAgainRouterFactory implements RouterFactory {
    @Override
    public String name() {
        return "test-tryagain";
    }

    @Override
    public Protocol protocol() {
        return Protocol.RESP;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        RouteDecision forward = RouteDecision.forward(context.configuredBackends().get(0));
        java.util.Map<String, Integer> tries = new java.util.HashMap<>();
        return request -> {
            RespCommand command = (RespCommand) request;
            if (command.name().equals("SET") && command.argCount() > 1) {
                String key = command.argString(1);
                if (key.startsWith("never:")) {
                    throw new PluginException("TRYAGAIN " + key + " is held for good");
                }
                if (key.startsWith("held:") && tries.merge(key, 1, Integer::sum) <= 3) {
                    throw new PluginException("TRYAGAIN " + key + " is held for a moment");
                }
            }
            return forward;
        };
    }
}
