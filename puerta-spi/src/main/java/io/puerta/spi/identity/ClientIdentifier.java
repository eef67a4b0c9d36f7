package io.puerta.spi.identity;

import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.Request;
import java.util.Optional;

/**
 * Names the client application behind a connection, so that all connections of one application can be kept on
 * one backend (session affinity). Called on the routing stage; must not block.
 */
public interface ClientIdentifier {

    /**
     * The identity of the client that sent {@code request}, or empty when this request does not tell (the runtime
     * then waits for a later request, or falls back as configured).
     */
    Optional<String> identify(ClientInfo client, Request request);
}
