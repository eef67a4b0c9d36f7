package io.puerta.examples.router;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.request.Request;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code key-prefix}: sends a command to the backend whose configured prefix is the longest one its key (the first
 * argument) starts with; commands without a key, and keys no prefix matches, go to the first backend. An example of
 * a router written only against the SPI.
 */
public final class KeyPrefixRouterFactory implements RouterFactory {

    @Override
    public String name() {
        return "key-prefix";
    }

    @Override
    public Protocol protocol() {
        return Protocol.RESP;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        if (context.configuredBackends().isEmpty()) {
            throw new ConfigException.BadValue("puerta.backends", "the key-prefix router needs at least one backend");
        }
        List<Route> routes = new ArrayList<>();
        for (Config route : config.getConfigList("puerta.key-prefix.routes")) {
            String address = route.getString("backend");
            int colon = address.lastIndexOf(':');
            if (colon < 1) {
                throw new ConfigException.BadValue(route.origin(), "backend", "expected host:port but got " + address);
            }
            Backend backend =
                    context.backend(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            routes.add(new Route(
                    route.getString("prefix").getBytes(StandardCharsets.UTF_8), RouteDecision.forward(backend)));
        }
        routes.sort(Comparator.comparingInt((Route r) -> r.prefix().length).reversed());
        return new KeyPrefixRouter(
                List.copyOf(routes),
                RouteDecision.forward(context.configuredBackends().get(0)));
    }

    private record Route(byte[] prefix, RouteDecision decision) {}

    private static final class KeyPrefixRouter implements Router {
        private final List<Route> routes;
        private final RouteDecision fallback;

        KeyPrefixRouter(List<Route> routes, RouteDecision fallback) {
            this.routes = routes;
            this.fallback = fallback;
        }

        @Override
        public RouteDecision route(Request request) {
            RespCommand command = (RespCommand) request;
            if (command.argCount() < 2) {
                return fallback;
            }
            ByteBuffer key = command.arg(1);
            for (Route route : routes) {
                if (startsWith(key, route.prefix())) {
                    return route.decision();
                }
            }
            return fallback;
        }

        private static boolean startsWith(ByteBuffer key, byte[] prefix) {
            if (key.remaining() < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (key.get(key.position() + i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
