package io.puerta.testplugin;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.Prelude;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import io.puerta.spi.routing.SplitPart;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Sends every command to the first backend, but only after a prelude on the second: INCR preludes, or, for
 * commands whose key starts with "bad", an LPUSH onto a string (which fails, so the command must not run).
 * MGET is split into one part per key, each with its own prelude.
 */
public final class PreludeRouterFactory implements RouterFactory {
    @Override
    public String name() {
        return "test-prelude";
    }

    @Override
    public Protocol protocol() {
        return Protocol.RESP;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        Backend main = context.configuredBackends().get(0);
        Backend side = context.configuredBackends().get(1);
        return request -> {
            RespCommand command = (RespCommand) request;
            if (command.name().equals("MGET")) {
                List<SplitPart> parts = new java.util.ArrayList<>();
                for (int i = 1; i < command.argCount(); i++) {
                    parts.add(new SplitPart(main, List.of(bytes("MGET"), command.argBytes(i)), List.of(i - 1), prelude(side, command.argString(i))));
                }
                return new RouteDecision.Split(parts, io.puerta.spi.routing.MergeKind.ARRAY_BY_POSITION);
            }
            String key = command.argCount() > 1 ? command.argString(1) : "";
            return RouteDecision.forward(main, prelude(side, key));
        };
    }

    private static Prelude prelude(Backend side, String key) {
        if (key.startsWith("bad")) {
            return new Prelude(side, List.of(bytes("LPUSH"), bytes("a-string"), bytes("x")));
        }
        return new Prelude(side, List.of(bytes("INCR"), bytes("preludes")));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
