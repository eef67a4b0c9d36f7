package io.puerta.runtime.pipeline;

/**
 * One slot of the request ring: a message with the handler that routes it and where its answer goes, or a control
 * task. Protocol-neutral: the ring never looks inside. The routing stage owns the message while handling the event
 * and clears the slot in {@code finally}.
 */
final class RequestEvent {

    StageHandler<Object, Object> handler;
    Object message;
    Object context;
    // A control task instead of a message (a reload, a topology change): run on the routing stage, between messages.
    Runnable control;

    @SuppressWarnings("unchecked")
    void set(StageHandler<?, ?> handler, Object message, Object context) {
        this.handler = (StageHandler<Object, Object>) handler;
        this.message = message;
        this.context = context;
        this.control = null;
    }

    void setControl(Runnable control) {
        this.handler = null;
        this.message = null;
        this.context = null;
        this.control = control;
    }

    void clear() {
        this.handler = null;
        this.message = null;
        this.context = null;
        this.control = null;
    }
}
