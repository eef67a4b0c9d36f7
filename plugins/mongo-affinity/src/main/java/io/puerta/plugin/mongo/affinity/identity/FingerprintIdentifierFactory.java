package io.puerta.plugin.mongo.affinity.identity;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.identity.ClientIdentifier;
import io.puerta.spi.identity.ClientIdentifierFactory;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.MongoMessage;
import io.puerta.spi.request.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code fingerprint}: a client is the SHA-256 of its IP address and the client metadata of its first {@code hello}
 * (application name, driver name and version, OS, platform). Every pooled connection of one client process sends
 * the same metadata, so they share the identity; two applications on one host differ. A connection whose first
 * message carries no metadata gets no fingerprint (the runtime then keys it by IP address).
 */
public final class FingerprintIdentifierFactory implements ClientIdentifierFactory {

    @Override
    public String name() {
        return "fingerprint";
    }

    @Override
    public ClientIdentifier create(Config config, PluginContext context) {
        return FingerprintIdentifierFactory::fingerprint;
    }

    /** The fingerprint of the handshake {@code request}, or empty when it carries no client metadata. */
    static Optional<String> fingerprint(ClientInfo client, Request request) {
        if (!(request instanceof MongoMessage message)
                || message.clientMetadata().isEmpty()) {
            return Optional.empty();
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(client.remoteHost().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, String> field : new TreeMap<>(message.clientMetadata()).entrySet()) {
                sha.update((byte) '\n');
                sha.update(field.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '=');
                sha.update(field.getValue().getBytes(StandardCharsets.UTF_8));
            }
            return Optional.of("fp:" + HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
