package io.puerta.spi.routing;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Combines the raw RESP replies of a split request into the client's reply. Called once per split, on a runtime
 * I/O thread, when the last part has answered: it must be quick and must not block. An exception fails the request
 * with an error reply.
 */
@FunctionalInterface
public interface ReplyMerger {

    /**
     * @param replies one complete RESP reply per part, in part order; read-only and valid only during the call
     * @return the complete RESP reply for the client
     */
    ByteBuffer merge(List<ByteBuffer> replies);
}
