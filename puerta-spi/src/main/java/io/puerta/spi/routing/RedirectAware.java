package io.puerta.spi.routing;

/**
 * A capability of routers whose backends answer with Redis Cluster redirections ({@code -MOVED} / {@code -ASK}): the
 * runtime follows them itself, so the client never sees one.
 *
 * <p>Threads: both methods are called on the routing stage, like {@link Router#route}.
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
}
