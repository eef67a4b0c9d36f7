package io.puerta.runtime.pipeline;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.RingBuffer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pipeline.mode = ring-per-loop}, the default: a Disruptor ring per I/O thread, which that thread drains itself
 * once per turn of its event loop, after it has read from every ready client. A burst of reads from many clients is
 * routed as one batch and written to each backend connection with one write, as with the single routing thread of
 * {@link RingSink}; but a request at pipeline 1 crosses no thread on its way in or out (no futex, no eventfd wake-up),
 * and the backend connections of an I/O thread's own clients are written at once, without a task.
 *
 * <p>The I/O threads take turns on the router, which is single-threaded by contract: a drain routes its batch holding
 * one lock (microseconds: routing does no I/O), detaches the batch's backend writes, and sends them after releasing
 * it. Control tasks published from an I/O thread go through its ring, in order with its clients' requests; from any
 * other thread they run at once under the lock.
 */
public final class LoopRingSink implements RequestSink {

    private static final Logger log = LoggerFactory.getLogger(LoopRingSink.class);

    private static final EventTranslatorThreeArg<RequestEvent, StageHandler<?, ?>, Object, Object> MESSAGE =
            (event, sequence, handler, message, context) -> event.set(handler, message, context);
    private static final EventTranslatorOneArg<RequestEvent, Runnable> CONTROL =
            (event, sequence, control) -> event.setControl(control);

    private final ReentrantLock routing = new ReentrantLock();
    private final int ringSize;
    private final int maxBatch;
    private final List<LoopRing> rings = new CopyOnWriteArrayList<>();
    // for control tasks from threads that are no event loop; used under the lock only
    private final RoutingStage elsewhere;
    private volatile LongConsumer batchSizes = size -> {};

    private final FastThreadLocal<LoopRing> ringOfThread = new FastThreadLocal<>() {
        @Override
        protected LoopRing initialValue() {
            EventExecutor executor = ThreadExecutorMap.currentExecutor();
            if (!(executor instanceof EventLoop loop)) {
                return null;
            }
            LoopRing ring = new LoopRing(loop);
            rings.add(ring);
            return ring;
        }
    };

    public LoopRingSink(int ringSize, int maxBatch) {
        this.ringSize = ringSize;
        this.maxBatch = maxBatch;
        this.elsewhere = new RoutingStage(maxBatch);
    }

    @Override
    public <M, C> boolean tryPublish(StageHandler<M, C> handler, M message, C context) {
        LoopRing ring = ringOfThread.get();
        if (ring == null) {
            // not an event loop (tests): route it here, in turn
            routeHere(handler, message, context);
            return true;
        }
        return ring.tryPublish(handler, message, context);
    }

    @Override
    public void endOfRead() {
        // each ring is drained once per turn of its event loop, after all of that turn's reads
    }

    /** From an I/O thread, through its ring (false when full: run now, it would overtake what the ring holds). */
    @Override
    public boolean tryControl(Runnable task) {
        LoopRing ring = ringOfThread.get();
        if (ring != null) {
            return ring.tryControl(task);
        }
        runHere(task);
        return true;
    }

    /** As {@link #tryControl}; an I/O thread whose ring is full (it should not call this) runs the task at once. */
    @Override
    public void control(Runnable task) {
        if (!tryControl(task)) {
            runHere(task);
        }
    }

    @Override
    public void observeBatches(LongConsumer sizes) {
        this.batchSizes = sizes;
        for (LoopRing ring : rings) {
            ring.stage.observeBatches(sizes);
        }
        elsewhere.observeBatches(sizes);
    }

    @Override
    public long remainingCapacity() {
        long least = ringSize;
        for (LoopRing ring : rings) {
            least = Math.min(least, ring.ring.remainingCapacity());
        }
        return least;
    }

    @Override
    public int capacity() {
        return ringSize;
    }

    /** Waits (up to 5 s) for every ring to be drained by its own thread. Not on an event loop. */
    @Override
    public void close() {
        for (LoopRing ring : rings) {
            if (ring.loop.isShuttingDown()) {
                continue; // what it held was routed as the loop ran its last tasks
            }
            try {
                ring.loop.submit(ring.drain).await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the loop stopped meanwhile
            }
        }
    }

    // Other threads share one stage, so they send under the lock too (the sends are hand-offs to event loops).
    private <M, C> void routeHere(StageHandler<M, C> handler, M message, C context) {
        routing.lock();
        try {
            elsewhere.route(handler, message, context);
            elsewhere.routedInline();
            elsewhere.flush();
        } finally {
            routing.unlock();
        }
    }

    private void runHere(Runnable task) {
        routing.lock();
        try {
            elsewhere.runControl(task);
            elsewhere.flush();
        } finally {
            routing.unlock();
        }
    }

    /** One I/O thread's ring: that thread publishes into it and drains it. */
    private final class LoopRing implements EventPoller.Handler<RequestEvent> {

        final RingBuffer<RequestEvent> ring;
        final EventPoller<RequestEvent> poller;
        final RoutingStage stage;
        final EventLoop loop;
        final Runnable drain = this::drain;
        boolean drainScheduled; // the loop's own thread only

        LoopRing(EventLoop loop) {
            this.loop = loop;
            this.ring = RingBuffer.createSingleProducer(RequestEvent::new, ringSize, PolledOnlyWaitStrategy.INSTANCE);
            this.poller = ring.newPoller();
            ring.addGatingSequences(poller.getSequence());
            this.stage = new RoutingStage(maxBatch, true);
            stage.observeBatches(batchSizes);
        }

        <M, C> boolean tryPublish(StageHandler<M, C> handler, M message, C context) {
            if (!ring.tryPublishEvent(MESSAGE, handler, message, context)) {
                return false;
            }
            scheduleDrain();
            return true;
        }

        boolean tryControl(Runnable task) {
            if (!ring.tryPublishEvent(CONTROL, task)) {
                return false;
            }
            scheduleDrain();
            return true;
        }

        /** A task runs after the I/O of the loop's current turn: by then every ready client has been read. */
        private void scheduleDrain() {
            if (!drainScheduled) {
                drainScheduled = true;
                loop.execute(drain);
            }
        }

        /**
         * Routes everything published so far as one batch, then sends its backend writes; every max-batch messages
         * it stops to send what it has, so that the servers start on a large turn's first requests while the rest
         * are routed (the sends waited for the whole turn before: up to 800 10-key MSETs at pipeline 16, while the
         * servers, and so the load, stood idle).
         */
        void drain() {
            drainScheduled = false;
            boolean more;
            do {
                more = false;
                routing.lock();
                try {
                    poller.poll(this);
                    more = stage.takeFullBatch();
                } catch (Exception e) {
                    log.error("routing stage failed; continuing", e); // onEvent throws nothing: a bug of ours
                } finally {
                    stage.detach(); // a no-op unless the batch broke off
                    routing.unlock();
                }
                stage.sendDetached();
            } while (more);
        }

        @Override
        public boolean onEvent(RequestEvent event, long sequence, boolean endOfBatch) {
            try {
                stage.onEvent(event, sequence, endOfBatch);
            } catch (Throwable e) {
                // the stage catches what routing throws; this is a bug of ours. Keep the ring moving (as RingSink).
                RoutingStage.failedOutsideStage(event, sequence, e);
            }
            return !stage.peekFullBatch(); // a full max-batch: stop here, and drain() sends it before going on
        }
    }
}
