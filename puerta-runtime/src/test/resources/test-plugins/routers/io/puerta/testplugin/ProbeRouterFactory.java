package io.puerta.testplugin;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Answers questions about the plugin's own environment; forwards everything else to the first backend. */
public final class ProbeRouterFactory implements RouterFactory {
    @Override
    public String name() {
        return "test-probe";
    }

    @Override
    public Protocol protocol() {
        return Protocol.RESP;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        RouteDecision forward = RouteDecision.forward(context.configuredBackends().get(0));
        ClassLoader own = ProbeRouterFactory.class.getClassLoader();
        return new Router() {
            private String greeting = config.getString("puerta.test-plugin.greeting");

            @Override
            public boolean reconfigure(Config changed) {
                greeting = changed.getString("puerta.test-plugin.greeting");
                return true;
            }

            @Override
            public RouteDecision route(io.puerta.spi.request.Request request) {
                return probe(request, greeting, forward, own);
            }
        };
    }

    private static RouteDecision probe(
            io.puerta.spi.request.Request request, String greeting, RouteDecision forward, ClassLoader own) {
        {
            switch (((RespCommand) request).name()) {
                case "GREETING":
                    return status(greeting);
                case "SEESNETTY":
                    try {
                        Class.forName("io.netty.buffer.ByteBuf", false, own);
                        return status("yes");
                    } catch (ClassNotFoundException e) {
                        return status("no");
                    }
                case "CONTEXTLOADER":
                    return status(Thread.currentThread().getContextClassLoader() == own ? "plugin" : "other");
                default:
                    return forward;
            }
        }
    }

    private static RouteDecision status(String text) {
        return RouteDecision.respond(ByteBuffer.wrap(("+" + text + "\r\n").getBytes(StandardCharsets.UTF_8)));
    }
}
