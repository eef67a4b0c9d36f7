package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.puerta.runtime.backend.BackendConnection;
import io.puerta.runtime.backend.ReplySlot;

/**
 * The reply slot of a {@link io.puerta.spi.routing.Prelude}: when the prelude is answered, the request it guards is
 * sent to its own backend, or, if the prelude failed, the request is answered with that error and never sent.
 */
final class PreludeSlot extends ReplySlot {

    private final ReplySlot request;
    private final BackendConnection target;

    PreludeSlot(ReplySlot request, BackendConnection target) {
        this.request = request;
        this.target = target;
    }

    @Override
    public void complete(ByteBuf reply) {
        if (reply.isReadable() && reply.getByte(reply.readerIndex()) == '-') {
            request.releaseRequest();
            request.complete(reply);
            return;
        }
        reply.release();
        target.submit(request);
    }
}
