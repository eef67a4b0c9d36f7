package io.puerta.spi.routing;

import io.puerta.spi.request.Request;

/**
 * Decides where a request goes. The runtime never calls {@link #route} (nor {@link #reconfigure}, {@link
 * #clientClosed}, nor the routing-stage hooks) from two threads at once: from the routing stage of the pipeline,
 * which is either one routing thread or the I/O thread whose turn it is, each turn ordered after the last by a lock.
 * So a router may keep mutable routing state without locks of its own (but not in thread-locals). It must not
 * block: no I/O, no waiting.
 * An exception thrown here fails that one request with an error reply; the router stays in service.
 *
 * <p>Protocol-specific hooks are capabilities a router may also implement: {@link RedirectAware} (Redis Cluster
 * redirections, on the routing stage) and {@link ReplyAware} (replies shown to the router, on backend I/O threads,
 * so thread-safe). Each names the thread it is called on.
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
     * Told, on the routing stage, that a client connection closed, so the router can drop what it kept for that
     * client (a transaction being queued, say). Called after the client's last request was routed.
     */
    default void clientClosed(long clientId) {}

    /**
     * How many databases clients may {@code SELECT} through this router: 0 to n - 1. The runtime answers SELECT
     * itself and sends the client's later requests on connections that selected its database. 1, the default:
     * database 0 only (as Redis Cluster). Any thread; a constant of the router's configuration.
     */
    default int databases() {
        return 1;
    }

    /** Releases what the router holds; called once at shutdown. */
    @Override
    default void close() {}
}
