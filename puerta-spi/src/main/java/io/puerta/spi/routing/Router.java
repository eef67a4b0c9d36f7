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

    /**
     * Applies a changed configuration (the user's file was edited and passed validation). Called on the routing
     * stage, between requests, so the router may swap its tables without locks.
     *
     * @return whether the router applied it; false (the default) means it keeps its settings until a restart
     */
    default boolean reconfigure(com.typesafe.config.Config config) {
        return false;
    }

    /**
     * How many {@code -MOVED} / {@code -ASK} redirections the runtime follows for this router's requests before it
     * passes the error on; 0 (the default) passes them on at once. Redis Cluster routers return a few: the runtime
     * then re-sends the request to the node named in the redirection (after {@code ASKING} for ASK), and the client
     * never sees it.
     */
    default int maxRedirects() {
        return 0;
    }

    /** Told, on the routing stage, that a backend answered with a redirection the runtime followed. */
    default void redirected(Redirect redirect) {}

    /**
     * Shown each reply a backend gives to a request this router routed, before the client gets it, for routers that
     * pin state to where it was created (a MongoDB cursor id to the mongos that returned it). Called for protocols
     * whose messages are routed one by one (MongoDB per message), on a backend I/O thread, concurrently with
     * {@link #route}: it must be quick, must not block, and must be thread-safe.
     *
     * @param reply the whole reply, read-only, valid only during the call
     */
    default void replied(
            io.puerta.spi.request.Request request, io.puerta.spi.backend.Backend backend, java.nio.ByteBuffer reply) {}

    /**
     * Told, on the routing stage, that a client connection closed, so the router can drop what it kept for that
     * client (a transaction being queued, say). Called after the client's last request was routed.
     */
    default void clientClosed(long clientId) {}

    /** Releases what the router holds; called once at shutdown. */
    @Override
    default void close() {}
}
