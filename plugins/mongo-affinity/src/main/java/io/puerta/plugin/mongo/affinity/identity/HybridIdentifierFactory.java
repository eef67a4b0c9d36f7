package io.puerta.plugin.mongo.affinity.identity;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.puerta.spi.PluginContext;
import io.puerta.spi.identity.ClientIdentifier;
import io.puerta.spi.identity.ClientIdentifierFactory;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code hybrid}: the strategies of {@code puerta.mongo-affinity.hybrid.order}, asked in turn; the first that names
 * the client wins. With {@code session-id} in the list, routing is per message: a message of a session goes by its
 * session, the others by the next strategy (the connection's fingerprint, found at its handshake and remembered,
 * or its IP address).
 */
public final class HybridIdentifierFactory implements ClientIdentifierFactory {

    /** Connections whose handshake fingerprint is remembered (per-message mode), most recent first. */
    static final int REMEMBERED_CONNECTIONS = 100_000;

    @Override
    public String name() {
        return "hybrid";
    }

    @Override
    public ClientIdentifier create(Config config, PluginContext context) {
        String path = "puerta.mongo-affinity.hybrid.order";
        List<String> order = config.getStringList(path);
        if (order.isEmpty()) {
            throw new ConfigException.BadValue(path, "name at least one strategy");
        }
        List<Strategy> strategies = new ArrayList<>();
        boolean perMessage = false;
        for (String name : order) {
            switch (name) {
                case "session-id" -> {
                    perMessage = true;
                    strategies.add((client, request) -> SessionIdIdentifierFactory.sessionOf(request));
                }
                case "fingerprint" -> strategies.add(new RememberedFingerprint());
                case "socket-addr" -> strategies.add((client, request) -> Optional.of("ip:" + client.remoteHost()));
                default -> throw new ConfigException.BadValue(
                        path, "unknown strategy '" + name + "' (expected session-id, fingerprint, socket-addr)");
            }
        }
        boolean routedPerMessage = perMessage;
        return new ClientIdentifier() {
            @Override
            public Optional<String> identify(ClientInfo client, Request request) {
                for (Strategy strategy : strategies) {
                    Optional<String> identity = strategy.identify(client, request);
                    if (identity.isPresent()) {
                        return identity;
                    }
                }
                return Optional.empty();
            }

            @Override
            public boolean perMessage() {
                return routedPerMessage;
            }
        };
    }

    private interface Strategy {
        Optional<String> identify(ClientInfo client, Request request);
    }

    /**
     * A connection's fingerprint from its handshake, remembered for its later messages (per message, only the
     * handshake carries the metadata). Called on the routing stage only.
     */
    private static final class RememberedFingerprint implements Strategy {
        private final Map<Long, String> byConnection = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
                return size() > REMEMBERED_CONNECTIONS;
            }
        };

        @Override
        public Optional<String> identify(ClientInfo client, Request request) {
            Optional<String> fingerprint = FingerprintIdentifierFactory.fingerprint(client, request);
            if (fingerprint.isPresent()) {
                byConnection.put(client.connectionId(), fingerprint.get());
                return fingerprint;
            }
            return Optional.ofNullable(byConnection.get(client.connectionId()));
        }
    }
}
