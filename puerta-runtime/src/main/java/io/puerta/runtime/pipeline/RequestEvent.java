package io.puerta.runtime.pipeline;

import io.puerta.runtime.protocol.resp.RespRequest;

/**
 * One slot of the request ring: a decoded request and the slot its reply goes to, or a control event. The routing
 * stage owns the request while handling the event and clears the slot in {@code finally}.
 */
public final class RequestEvent {

    RespRequest request;
    ReplySlot reply;
    // A control event (a reload) instead of a request: run on the routing stage, between requests.
    Runnable control;

    void set(RespRequest request, ReplySlot reply) {
        this.request = request;
        this.reply = reply;
        this.control = null;
    }

    void setControl(Runnable control) {
        this.request = null;
        this.reply = null;
        this.control = control;
    }

    void clear() {
        this.request = null;
        this.reply = null;
        this.control = null;
    }
}
