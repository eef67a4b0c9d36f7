package io.puerta.plugin.mongo.affinity;

import io.puerta.plugin.mongo.affinity.health.HelloHealthCheckerFactory;
import io.puerta.plugin.mongo.affinity.identity.FingerprintIdentifierFactory;
import io.puerta.plugin.mongo.affinity.identity.HybridIdentifierFactory;
import io.puerta.plugin.mongo.affinity.identity.SessionIdIdentifierFactory;
import io.puerta.plugin.mongo.affinity.identity.SocketAddressIdentifierFactory;
import io.puerta.plugin.mongo.affinity.routing.AffinityRouterFactory;
import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.identity.ClientIdentifierFactory;
import io.puerta.spi.routing.RouterFactory;
import java.util.List;

/** The mongo-affinity plugin: several mongos behind one address, with session affinity. */
public final class MongoAffinityPlugin implements PuertaPlugin {

    @Override
    public List<RouterFactory> routerFactories() {
        return List.of(new AffinityRouterFactory());
    }

    @Override
    public List<ClientIdentifierFactory> clientIdentifierFactories() {
        return List.of(
                new SocketAddressIdentifierFactory(),
                new FingerprintIdentifierFactory(),
                new SessionIdIdentifierFactory(),
                new HybridIdentifierFactory());
    }

    @Override
    public List<HealthCheckerFactory> healthCheckerFactories() {
        return List.of(new HelloHealthCheckerFactory());
    }
}
