package io.puerta.spi.backend;

/**
 * A read-only view of one backend server. The runtime owns the connections; a router only names the backend a
 * request goes to. Identity is the address: two views with the same host and port are the same backend.
 */
public interface Backend {

    /** A display name: the configured name, else {@code host:port}. */
    String name();

    /** The host as configured (a literal address or a name resolved by the runtime off the event loops). */
    String host();

    /** The TCP port. */
    int port();

    /** The relative weight from the configuration; 1 when not set. */
    int weight();

    /** What this server is in its cluster. */
    BackendRole role();

    /** The latest health known to the runtime. */
    BackendHealth health();

    /**
     * What connections to this backend log in with, if it requires a login (configured per backend, or the pool's
     * default). A plugin that opens connections of its own (health checks, topology queries, key migration) must
     * use them too.
     */
    default java.util.Optional<Credentials> credentials() {
        return java.util.Optional.empty();
    }

    /**
     * How a plugin's own blocking connections to this backend are made: TLS sockets with the proxy's backend trust and
     * certificate when the backends speak TLS ({@code backend.tls}), plain ones otherwise. Connect the socket it
     * creates to {@link #host()} and {@link #port()}.
     */
    default javax.net.SocketFactory socketFactory() {
        return javax.net.SocketFactory.getDefault();
    }

    /** {@code host:port}. */
    default String address() {
        return host() + ":" + port();
    }
}
