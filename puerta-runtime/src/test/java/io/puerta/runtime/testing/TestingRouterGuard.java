package io.puerta.runtime.testing;

import com.codahale.metrics.Counter;
import com.typesafe.config.Config;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.runtime.plugin.PluginDescriptor;
import io.puerta.runtime.plugin.Registered;
import io.puerta.spi.PluginContext;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import java.util.List;

/** A {@link RouterGuard} around a router written in a test, as if a plugin named "test" had provided it. */
public final class TestingRouterGuard {

    private TestingRouterGuard() {}

    public static RouterGuard of(Router router, Counter failures) {
        RouterFactory factory = new RouterFactory() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public Protocol protocol() {
                return Protocol.RESP;
            }

            @Override
            public Router create(Config config, PluginContext context) {
                return router;
            }
        };
        return new RouterGuard(
                router,
                new Registered<>(
                        "test",
                        factory,
                        new PluginDescriptor("test", List.of(), TestingRouterGuard.class.getClassLoader())),
                failures);
    }
}
