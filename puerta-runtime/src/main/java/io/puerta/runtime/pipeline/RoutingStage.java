package io.puerta.runtime.pipeline;

import com.lmax.disruptor.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing stage: hands each message to its front door's {@link StageHandler} and flushes the batch's backend
 * writes at the end of each batch (or every {@code max-batch} messages). Protocol-neutral; the single writer of all
 * routing state, since routers are only ever called from here.
 */
final class RoutingStage implements EventHandler<RequestEvent> {

    private static final Logger log = LoggerFactory.getLogger(RoutingStage.class);

    private final Dispatch dispatch;
    private final boolean deferSends;
    private boolean fullBatchDetached; // deferred sends: a max-batch's writes wait in the middle of a batch

    RoutingStage(int maxBatch) {
        this(maxBatch, false);
    }

    /**
     * @param deferSends whether a batch's end only detaches its backend writes, which the caller then sends with
     *     {@link #sendDetached} (after releasing the routing lock), instead of sending them at once
     */
    RoutingStage(int maxBatch, boolean deferSends) {
        this.dispatch = new Dispatch(maxBatch);
        this.deferSends = deferSends;
    }

    @Override
    public void onEvent(RequestEvent event, long sequence, boolean endOfBatch) {
        try {
            if (event.control != null) {
                runControl(event.control);
            } else {
                route(event.handler, event.message, event.context);
            }
        } finally {
            event.clear();
        }
        boolean full = dispatch.countAndCheckFull(); // counted always: the batch's size is a metric
        if (endOfBatch || full) {
            if (deferSends) {
                dispatch.detach();
                fullBatchDetached = !endOfBatch;
            } else {
                dispatch.flush();
            }
        }
    }

    /**
     * Whether the last message filled a max-batch before its batch's end, and the writes detached then should go
     * now, not when the whole batch is routed (deferred-sends stages only).
     */
    boolean peekFullBatch() {
        return fullBatchDetached;
    }

    /** {@link #peekFullBatch}, and clears it: the drain that sends those writes takes it. */
    boolean takeFullBatch() {
        boolean full = fullBatchDetached;
        fullBatchDetached = false;
        return full;
    }

    /** Sends the backend writes detached at the ends of batches (deferred-sends stages only). */
    void sendDetached() {
        dispatch.sendDetached();
    }

    /** Detaches the backend writes staged so far, for {@link #sendDetached}. */
    void detach() {
        dispatch.detach();
    }

    /** Routes one message; whatever the handler throws fails that message alone. */
    <M, C> void route(StageHandler<M, C> handler, M message, C context) {
        try {
            handler.route(message, context, dispatch);
        } catch (RuntimeException e) {
            log.error("routing failed for {}", message, e);
            handler.failed(message, context, e);
        }
    }

    void runControl(Runnable control) {
        try {
            control.run();
        } catch (RuntimeException e) {
            log.error("control event failed", e);
        }
    }

    /**
     * An event failed outside the stage's own catches (a bug of ours): its message is answered with the failure, and
     * the slot cleared, so that the ring moves on.
     */
    static void failedOutsideStage(RequestEvent event, long sequence, Throwable cause) {
        log.error("routing stage failed on event {}; continuing", sequence, cause);
        if (event.handler != null) {
            event.handler.failed(event.message, event.context, cause);
        }
        event.clear();
    }

    /** {@code event-loop} mode: counts one message routed outside the ring; flushes when the batch is full. */
    void routedInline() {
        if (dispatch.countAndCheckFull()) {
            dispatch.flush();
        }
    }

    void flush() {
        dispatch.flush();
    }

    void observeBatches(java.util.function.LongConsumer sizes) {
        dispatch.observeBatches(sizes);
    }
}
