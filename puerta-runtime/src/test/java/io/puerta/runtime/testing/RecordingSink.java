package io.puerta.runtime.testing;

import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.StageHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RequestSink} that keeps what front doors publish instead of routing it, so a test can see the order and
 * answer each message itself; {@link #full} makes it refuse, as a full ring does. Event loop (test thread) only.
 */
public final class RecordingSink implements RequestSink {

    /** One published message. */
    public record Published(StageHandler<Object, Object> handler, Object message, Object context) {
        /** Gives the message back to its handler to drop (it never reaches a router). */
        public void discard() {
            handler.discard(message, context);
        }
    }

    public final List<Published> published = new ArrayList<>();
    public final List<Runnable> controls = new ArrayList<>();
    public boolean full;
    public int readsEnded;

    @Override
    @SuppressWarnings("unchecked")
    public <M, C> boolean tryPublish(StageHandler<M, C> handler, M message, C context) {
        if (full) {
            return false;
        }
        published.add(new Published((StageHandler<Object, Object>) handler, message, context));
        return true;
    }

    @Override
    public void endOfRead() {
        readsEnded++;
    }

    @Override
    public boolean tryControl(Runnable task) {
        if (full) {
            return false;
        }
        controls.add(task);
        return true;
    }

    @Override
    public void control(Runnable task) {
        controls.add(task);
    }

    @Override
    public long remainingCapacity() {
        return full ? 0 : Long.MAX_VALUE;
    }

    @Override
    public int capacity() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void close() {
        published.forEach(Published::discard);
        published.clear();
    }

    @Override
    public void observeBatches(java.util.function.LongConsumer sizes) {}
}
