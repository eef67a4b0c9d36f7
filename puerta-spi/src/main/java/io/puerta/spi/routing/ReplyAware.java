package io.puerta.spi.routing;

import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.Request;
import java.nio.ByteBuffer;

/**
 * A capability of routers that pin state to where it was created, such as a MongoDB cursor id to the mongos that
 * returned it: they are shown each reply before the client gets it. Called for protocols whose messages are routed
 * one by one (MongoDB per message).
 *
 * <p>Threads: {@link #replied} is called on a backend I/O thread, <b>concurrently with {@link Router#route}</b> on the
 * routing stage and with other replies. An implementation must be thread-safe (for example, write only to a
 * concurrent map the routing stage reads), quick, and must never block.
 */
public interface ReplyAware {

    /**
     * Sees a reply to a request this router routed.
     *
     * @param request the request, whose fields stay readable (its bytes are already sent)
     * @param backend the backend that answered
     * @param reply the whole reply, read-only, valid only during the call
     */
    void replied(Request request, Backend backend, ByteBuffer reply);
}
