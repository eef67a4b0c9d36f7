package io.puerta.runtime.backend.mongo;

import io.netty.buffer.ByteBuf;
import io.puerta.runtime.protocol.mongo.MongoRequest;

/**
 * One client message on its way through a multiplexed backend connection: the proxy's own request id replaces the
 * client's on the wire, and the reply gets the client's back.
 */
public final class MongoExchange {

    /** Where the reply goes: a client connection, or one part of a split. */
    public interface Target {
        /** Takes ownership of a complete reply message whose responseTo is already the client's request id. */
        void reply(ByteBuf message);

        /** The exchange failed (backend unreachable, closed or too slow): answer with an error naming why. */
        void fail(MongoRequest request, String message, int code, String codeName);
    }

    final MongoRequest request; // its frame taken: the fields stay readable for the router's reply hook
    final int clientRequestId;
    final Target target;
    final boolean expectsReply;
    ByteBuf frame;
    int proxyRequestId;
    long sentAtNanos;

    public MongoExchange(MongoRequest request, ByteBuf frame, Target target) {
        this.request = request;
        this.clientRequestId = request.requestId();
        this.target = target;
        this.frame = frame;
        this.expectsReply = !request.moreToCome();
    }

    void releaseFrame() {
        ByteBuf owned = frame;
        frame = null;
        if (owned != null) {
            owned.release();
        }
    }
}
