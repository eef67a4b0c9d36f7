package io.puerta.spi.request;

/**
 * A decoded client request, as a read-only view. Views are valid only during the call they are passed to: a
 * router that keeps bytes must copy them.
 */
public interface Request {

    /** The protocol of this request; tells which sub-interface it implements. */
    Protocol protocol();

    /** The client that sent it. */
    ClientInfo client();
}
