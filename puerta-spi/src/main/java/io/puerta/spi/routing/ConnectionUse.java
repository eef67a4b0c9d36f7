package io.puerta.spi.routing;

/**
 * Which backend connection carries a forwarded request. Most requests share a few pipelined connections with every
 * other client; some commands hold a connection's state and need one of their own.
 */
public enum ConnectionUse {
    /** A pipelined connection shared with other clients (the default). */
    SHARED,
    /**
     * The client's own connection to that backend, opened on first use and closed with the client. For commands
     * that wait (BLPOP, XREAD BLOCK) so they delay no other client, and for state tied to a connection (WATCH,
     * MULTI/EXEC). Requests on it are never timed out by the proxy: a blocking command may wait as long as it asks.
     */
    DEDICATED,
    /**
     * As {@link #DEDICATED}, and from this request on the client is a subscriber: each later request of the client
     * goes to this connection without being routed, and everything the backend sends (replies and pushed messages)
     * is relayed to the client as it arrives. For SUBSCRIBE and its kin.
     */
    SUBSCRIPTION
}
