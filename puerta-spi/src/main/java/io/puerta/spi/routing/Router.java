package io.puerta.spi.routing;

import io.puerta.spi.request.Request;

/**
 * Decides where a request goes. The runtime calls {@link #route} from one thread only (the routing stage of the
 * pipeline), so a router may keep mutable routing state without locks. It must not block: no I/O, no waiting.
 * An exception thrown here fails that one request with an error reply; the router stays in service.
 */
public interface Router extends AutoCloseable {

    /** The decision for one request. Never null. */
    RouteDecision route(Request request);

    /** Releases what the router holds; called once at shutdown. */
    @Override
    default void close() {}
}
