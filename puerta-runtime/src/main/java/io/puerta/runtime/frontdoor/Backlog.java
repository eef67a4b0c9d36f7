package io.puerta.runtime.frontdoor;

import com.codahale.metrics.Counter;
import io.netty.channel.Channel;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.StageHandler;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A client's back-pressure against a full routing stage, for every front door: a message that finds the sink full
 * waits here, in order, behind any that already wait, and is published again shortly from the client's event loop.
 * While anything waits, the front door stops reading from that client ({@link #isEmpty()} is false), so the backlog
 * holds at most what one read decoded. Nothing here blocks the event loop. Event loop only.
 */
public final class Backlog {

    private static final long RETRY_MICROS = 200;

    private final Channel channel;
    private final RequestSink sink;
    private final Runnable changed;
    private final Counter sinkFull;
    // allocated when the sink is first found full: most connections never need it (10,000 idle ones are measured)
    private ArrayDeque<Waiting> waiting;
    private boolean retryScheduled;

    /**
     * @param changed told when the backlog fills or empties, so the front door can pause or resume reading
     * @param sinkFull counts the times a client's message found the sink full
     */
    public Backlog(Channel channel, RequestSink sink, Runnable changed, Counter sinkFull) {
        this.channel = channel;
        this.sink = sink;
        this.changed = changed;
        this.sinkFull = sinkFull;
    }

    /** Publishes {@code message}, or keeps it (and the caller's ownership ends either way). */
    public <M, C> void submit(StageHandler<M, C> handler, M message, C context) {
        if (isEmpty() && sink.tryPublish(handler, message, context)) {
            return;
        }
        if (isEmpty()) {
            sinkFull.inc();
        }
        if (waiting == null) {
            waiting = new ArrayDeque<>();
        }
        waiting.add(new Waiting(handler, message, context));
        scheduleRetry();
    }

    public boolean isEmpty() {
        return waiting == null || waiting.isEmpty();
    }

    /** The client left: the messages that never reached the routing stage are released. */
    public void discardAll() {
        if (waiting == null) {
            return;
        }
        Waiting next;
        while ((next = waiting.poll()) != null) {
            next.discard();
        }
    }

    private void scheduleRetry() {
        changed.run();
        if (!retryScheduled) {
            retryScheduled = true;
            channel.eventLoop().schedule(this::retry, RETRY_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    private void retry() {
        retryScheduled = false;
        if (!channel.isActive()) {
            return; // the front door discarded what waits when the channel went inactive
        }
        Waiting next;
        while ((next = waiting.peek()) != null) {
            if (!next.publish(sink)) {
                scheduleRetry();
                return;
            }
            waiting.poll();
        }
        changed.run();
    }

    private static final class Waiting {
        private final StageHandler<Object, Object> handler;
        private final Object message;
        private final Object context;

        @SuppressWarnings("unchecked")
        Waiting(StageHandler<?, ?> handler, Object message, Object context) {
            this.handler = (StageHandler<Object, Object>) handler;
            this.message = message;
            this.context = context;
        }

        boolean publish(RequestSink sink) {
            return sink.tryPublish(handler, message, context);
        }

        void discard() {
            handler.discard(message, context);
        }
    }
}
