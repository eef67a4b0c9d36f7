package io.puerta.spi.request;

/** What is known of a client connection. */
public interface ClientInfo {

    /** A number unique to this connection for the life of the proxy. */
    long connectionId();

    /** The client's IP address as text (no port). */
    String remoteHost();

    /** The client's TCP port. */
    int remotePort();
}
