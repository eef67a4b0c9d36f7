package io.puerta.runtime.pipeline;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The benchmark baseline ({@code pipeline.mode = event-loop}): no ring; each I/O thread routes what it reads itself,
 * under one lock (routers are single-threaded by contract), and flushes the backend writes at the end of each read.
 * It keeps the ring's price visible in the benchmarks; the product path is {@link RingSink}.
 */
public final class EventLoopSink implements RequestSink {

    private final RoutingStage stage;
    private final ReentrantLock lock = new ReentrantLock();
    private final int capacity;

    public EventLoopSink(int maxBatch, int capacity) {
        this.stage = new RoutingStage(maxBatch);
        this.capacity = capacity;
    }

    @Override
    public <M, C> boolean tryPublish(StageHandler<M, C> handler, M message, C context) {
        lock.lock();
        try {
            stage.route(handler, message, context);
            stage.routedInline();
        } finally {
            lock.unlock();
        }
        return true;
    }

    @Override
    public void endOfRead() {
        lock.lock();
        try {
            stage.flush();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean tryControl(Runnable task) {
        control(task);
        return true;
    }

    @Override
    public void control(Runnable task) {
        lock.lock();
        try {
            stage.runControl(task);
            stage.flush();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long remainingCapacity() {
        return capacity;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void close() {
        endOfRead();
    }

    @Override
    public void observeBatches(java.util.function.LongConsumer sizes) {
        stage.observeBatches(sizes);
    }
}
