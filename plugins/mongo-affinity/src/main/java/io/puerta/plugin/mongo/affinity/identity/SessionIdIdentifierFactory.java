package io.puerta.plugin.mongo.affinity.identity;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.identity.ClientIdentifier;
import io.puerta.spi.identity.ClientIdentifierFactory;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.MongoMessage;
import io.puerta.spi.request.Request;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@code session-id}: each message is its logical session ({@code lsid}), whichever pooled connection carries it,
 * so the runtime routes message by message. Messages outside a session have no identity and are balanced freely.
 */
public final class SessionIdIdentifierFactory implements ClientIdentifierFactory {

    @Override
    public String name() {
        return "session-id";
    }

    @Override
    public ClientIdentifier create(Config config, PluginContext context) {
        return new ClientIdentifier() {
            @Override
            public Optional<String> identify(ClientInfo client, Request request) {
                return sessionOf(request);
            }

            @Override
            public boolean perMessage() {
                return true;
            }
        };
    }

    static Optional<String> sessionOf(Request request) {
        if (!(request instanceof MongoMessage message)) {
            return Optional.empty();
        }
        return message.lsid().map(SessionIdIdentifierFactory::hex);
    }

    private static String hex(ByteBuffer lsid) {
        byte[] bytes = new byte[lsid.remaining()];
        lsid.duplicate().get(bytes);
        return "lsid:" + HexFormat.of().formatHex(bytes);
    }
}
