package io.puerta.plugin.mongo.affinity.identity;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.identity.ClientIdentifier;
import io.puerta.spi.identity.ClientIdentifierFactory;
import java.util.Optional;

/**
 * {@code socket-addr}: a client is its IP address. Not ip:port: a driver's pooled connections each have their own
 * port, and they must all reach the same mongos for cursors and transactions to work.
 */
public final class SocketAddressIdentifierFactory implements ClientIdentifierFactory {

    @Override
    public String name() {
        return "socket-addr";
    }

    @Override
    public ClientIdentifier create(Config config, PluginContext context) {
        return (client, request) -> Optional.of("ip:" + client.remoteHost());
    }
}
