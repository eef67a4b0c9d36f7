package io.puerta.spi.routing;

/**
 * A capability of routers whose backends answer with Redis Cluster redirections ({@code -MOVED} / {@code -ASK}): the
 * runtime follows them itself, so the client never sees one.
 *
 * <p>Threads: every method is called on the routing stage, like {@link Router#route}.
 */
public interface RedirectAware {

    /**
     * How many redirections the runtime follows for one request before it passes the error on (at least 1). Asked
     * once, when the router is installed.
     */
    int maxRedirects();

    /**
     * Told that a backend answered with a redirection the runtime followed, so the router can update its table.
     * Called on the routing stage, between requests; the runtime may drop the news when the stage is overloaded (the
     * next redirection or topology refresh brings it again).
     */
    void redirected(Redirect redirect);

    /**
     * How long the runtime may hold a request it could not send (its backend refused the connection, or is marked
     * down) and route it again, every 100 ms, so that a failover costs the client a short wait instead of an error.
     * A request that reached a backend is never sent twice. Asked once, when the router is installed; zero (the
     * default) fails such requests at once.
     */
    default java.time.Duration holdUnsent() {
        return java.time.Duration.ZERO;
    }

    /**
     * Told that a backend refused a connection, or has left a request unanswered for long (a stalled server):
     * evidence that the topology may be about to change, so a router that learns it from its backends may ask
     * again now. Told again while the trouble lasts; the runtime may drop the news when the stage is overloaded.
     */
    default void unreachable(io.puerta.spi.backend.Backend backend, String reason) {}
}
