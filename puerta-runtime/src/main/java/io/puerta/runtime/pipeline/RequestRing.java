package io.puerta.runtime.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutBlockingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.config.WaitStrategyName;
import io.puerta.runtime.protocol.resp.RespRequest;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request ring between the Netty I/O threads (many producers) and the routing stage (one consumer). Producers
 * never wait: {@link #tryPublish} fails when the ring is full and the caller stops reading from that client.
 */
public final class RequestRing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RequestRing.class);

    // Static and non-capturing: the translator resets every field of the slot it fills.
    private static final EventTranslatorTwoArg<RequestEvent, RespRequest, ReplySlot> TRANSLATOR =
            (event, sequence, request, reply) -> event.set(request, reply);

    private static final com.lmax.disruptor.EventTranslatorOneArg<RequestEvent, Runnable> CONTROL =
            (event, sequence, control) -> event.setControl(control);

    private final Disruptor<RequestEvent> disruptor;
    private final RouterGuard router;
    private final RoutingStage stage;
    private final boolean inline;
    private final RingBuffer<RequestEvent> ring;

    public RequestRing(Settings.Pipeline settings, RouterGuard router, BackendRegistry backends) {
        this.router = router;
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, "puerta-routing");
            thread.setDaemon(true);
            return thread;
        };
        disruptor = new Disruptor<>(
                RequestEvent::new,
                settings.ringSize(),
                threads,
                ProducerType.MULTI,
                waitStrategy(settings.waitStrategy()));
        this.inline = !settings.viaRing();
        this.stage = new RoutingStage(router, backends, settings.maxBatch(), this::redirected, inline);
        disruptor.handleEventsWith(stage);
        disruptor.setDefaultExceptionHandler(new KeepRouting());
        ring = disruptor.start();
    }

    /** Whether I/O threads route their own requests ({@code pipeline.mode = event-loop}) instead of publishing them. */
    public boolean inline() {
        return inline;
    }

    /** {@code event-loop} mode: routes a request on the calling I/O thread, under the routing stage's lock. */
    public void routeInline(RespRequest request, ReplySlot reply) {
        stage.routeInline(request, reply);
    }

    /** {@code event-loop} mode: writes what this thread's requests staged, at the end of a read. */
    public void flushInline() {
        stage.flushInline();
    }

    /** Publishes without waiting; false when the ring is full. */
    public boolean tryPublish(RespRequest request, ReplySlot reply) {
        return ring.tryPublishEvent(TRANSLATOR, request, reply);
    }

    /**
     * Runs {@code control} on the routing stage, in order with the requests: the way other threads change routing
     * state without locks. Waits for a free slot, so it must not be called from an event loop.
     */
    public void publishControl(Runnable control) {
        ring.publishEvent(CONTROL, control);
    }

    /**
     * Tells the router about a redirection, from a backend event loop: without waiting, so when the ring is full
     * the news is dropped (the router learns the new owner again with the next redirection or topology refresh).
     */
    private void redirected(io.puerta.spi.routing.Redirect redirect) {
        ring.tryPublishEvent(CONTROL, () -> router.redirected(redirect));
    }

    /**
     * Tells the router that a client left, in order after the client's last request. Never waits: while the ring is
     * full it tries again shortly on {@code retryOn} (the client's event loop).
     */
    public void announceClientClosed(long clientId, io.netty.util.concurrent.EventExecutor retryOn) {
        if (!ring.tryPublishEvent(CONTROL, () -> router.clientClosed(clientId))) {
            try {
                retryOn.schedule(() -> announceClientClosed(clientId, retryOn), 200, TimeUnit.MICROSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down: the router goes too
            }
        }
    }

    /**
     * Runs {@code task} on the routing stage, in order with the requests, without waiting: false when the ring is
     * full (the caller keeps the task, stops reading from its client and tries again shortly). How MongoDB messages
     * reach the routing stage.
     */
    public boolean tryPublish(Runnable task) {
        return ring.tryPublishEvent(CONTROL, task);
    }

    public long remainingCapacity() {
        return ring.remainingCapacity();
    }

    public int size() {
        return ring.getBufferSize();
    }

    /** Waits for the published requests to be routed, then stops the routing thread. */
    @Override
    public void close() {
        try {
            disruptor.shutdown(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("routing stage did not drain within 5 s; halting it");
            disruptor.halt();
        }
    }

    static WaitStrategy waitStrategy(WaitStrategyName name) {
        return switch (name) {
            case BLOCKING -> new BlockingWaitStrategy();
            case TIMEOUT_BLOCKING -> new TimeoutBlockingWaitStrategy(1, TimeUnit.MILLISECONDS);
            case SLEEPING -> new SleepingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }

    /**
     * The routing stage catches plugin failures itself; anything reaching here is a runtime bug. Log it and keep
     * the consumer alive: a dead routing thread would hang every client.
     */
    private static final class KeepRouting implements ExceptionHandler<RequestEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, RequestEvent event) {
            log.error("routing stage failed on event {}; continuing", sequence, ex);
            if (event.reply != null) {
                event.reply.fail("internal error while routing: " + ex);
            }
            if (event.request != null) {
                event.request.release();
            }
            event.control = null;
            event.clear();
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            log.error("routing stage failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            log.error("routing stage failed to shut down", ex);
        }
    }
}
