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

    /**
     * Whether identities are per message (a logical session id) rather than per connection. Per connection, the
     * runtime asks once, with the connection's first message, routes the connection and then relays its bytes both
     * ways unchanged. Per message, it asks for every message and routes each, multiplexing the messages of many
     * clients over its own backend connections.
     */
    default boolean perMessage() {
        return false;
    }
}
