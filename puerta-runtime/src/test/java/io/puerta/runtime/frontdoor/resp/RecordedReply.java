package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.puerta.runtime.backend.ReplySlot;
import java.nio.charset.StandardCharsets;

/** A client's slot that keeps the text of the reply it is given (null until then) and releases the buffer. */
final class RecordedReply extends ReplySlot {

    private volatile String text;

    @Override
    public void complete(ByteBuf reply) {
        text = reply.toString(StandardCharsets.UTF_8);
        reply.release();
    }

    String text() {
        return text;
    }
}
