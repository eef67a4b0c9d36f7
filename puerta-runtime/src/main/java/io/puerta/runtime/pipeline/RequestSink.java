package io.puerta.runtime.pipeline;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Where front doors put what they read: the routing stage's input. Two implementations: {@link RingSink}, the
 * product (a Disruptor ring to one routing thread), and {@link EventLoopSink}, the benchmark baseline
 * ({@code pipeline.mode = event-loop}: each I/O thread routes its own requests under a lock).
 *
 * <p>Nothing here waits on an event loop: {@link #tryPublish} and {@link #tryControl} fail when the sink is full,
 * and the caller keeps the message, stops reading from its client and tries again shortly.
 */
public interface RequestSink extends AutoCloseable {

    /** Hands a message to the routing stage without waiting; false when full (the caller still owns it). */
    <M, C> boolean tryPublish(StageHandler<M, C> handler, M message, C context);

    /** The end of one read from a client (its last message of this read was published). */
    void endOfRead();

    /** Runs {@code task} on the routing stage, in order with messages, without waiting; false when full. */
    boolean tryControl(Runnable task);

    /**
     * Runs {@code task} on the routing stage, in order with messages: the way other threads change routing state
     * without locks. May wait for room, so never call it from an event loop.
     */
    void control(Runnable task);

    /** Reports each routing batch's size (requests routed between two flushes) to {@code sizes}, for metrics. */
    void observeBatches(java.util.function.LongConsumer sizes);

    /** Free places left (the ring's remaining capacity). */
    long remainingCapacity();

    /** Places in all. */
    int capacity();

    /**
     * Runs {@code task} on the routing stage without waiting, from an event loop: while full, tries again shortly on
     * {@code retryOn}. For news that must not be lost, such as a client that left.
     */
    default void controlSoon(Runnable task, EventExecutor retryOn) {
        if (!tryControl(task)) {
            try {
                retryOn.schedule(() -> controlSoon(task, retryOn), 200, TimeUnit.MICROSECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down: the routing stage goes too
            }
        }
    }

    /** Waits for what was published to be routed, then stops. */
    @Override
    void close();
}
