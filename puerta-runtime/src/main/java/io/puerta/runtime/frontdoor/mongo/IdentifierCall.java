package io.puerta.runtime.frontdoor.mongo;

import io.puerta.runtime.plugin.PluginCalls;
import io.puerta.spi.identity.ClientIdentifier;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.Request;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls the configured client identifier with its plugin's class loader; a failure is "no identity", logged once. */
public final class IdentifierCall {

    private static final Logger log = LoggerFactory.getLogger(IdentifierCall.class);

    private final ClientIdentifier identifier;
    private final String name;
    private final ClassLoader loader;
    private final boolean perMessage;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public IdentifierCall(ClientIdentifier identifier, String name, ClassLoader loader) {
        this.identifier = identifier;
        this.name = name;
        this.loader = loader;
        this.perMessage = PluginCalls.withContext(loader, identifier::perMessage);
    }

    public boolean perMessage() {
        return perMessage;
    }

    public Optional<String> identify(ClientInfo client, Request request) {
        try {
            Optional<String> identity = PluginCalls.withContext(loader, () -> identifier.identify(client, request));
            return identity == null ? Optional.empty() : identity;
        } catch (RuntimeException | LinkageError e) {
            if (logged.size() < 100 && logged.add(e.getClass().getName())) {
                log.error("client identifier '{}' failed (logged once per kind)", name, e);
            }
            return Optional.empty();
        }
    }
}
