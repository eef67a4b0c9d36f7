package io.puerta.runtime.pipeline;

import io.puerta.runtime.protocol.resp.RespRequest;

/**
 * One slot of the request ring: a decoded request and the slot its reply goes to. The routing stage owns the
 * request while handling the event and clears the slot in {@code finally}.
 */
public final class RequestEvent {

    RespRequest request;
    ReplySlot reply;

    void set(RespRequest request, ReplySlot reply) {
        this.request = request;
        this.reply = reply;
    }

    void clear() {
        this.request = null;
        this.reply = null;
    }
}
