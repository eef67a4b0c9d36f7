package io.puerta.plugin.mongo.affinity;

import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.identity.ClientIdentifierFactory;
import java.util.List;

/** The mongo-affinity plugin: several mongos behind one address, with session affinity. */
public final class MongoAffinityPlugin implements PuertaPlugin {

    @Override
    public List<ClientIdentifierFactory> clientIdentifierFactories() {
        return List.of(new SocketAddressIdentifierFactory());
    }
}
