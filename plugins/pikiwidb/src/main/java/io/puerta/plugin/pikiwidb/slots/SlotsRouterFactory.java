package io.puerta.plugin.pikiwidb.slots;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;

/** {@code pikiwidb-slots}: a codis-style slot table over standalone servers, configured under puerta.pikiwidb.slots. */
public final class SlotsRouterFactory implements RouterFactory {

    static final String NAME = "pikiwidb-slots";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Protocol protocol() {
        return Protocol.RESP;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        SlotsRouter router = new SlotsRouter(SlotSettings.read(config, context), context);
        router.learnTraitsSoon(context.configuredBackends(), java.time.Duration.ofSeconds(2));
        return router;
    }
}
