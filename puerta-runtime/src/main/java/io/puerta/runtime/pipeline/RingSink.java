package io.puerta.runtime.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.EventTranslatorThreeArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutBlockingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.config.WaitStrategyName;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request ring between the Netty I/O threads (many producers) and the routing stage (one consumer). Producers
 * never wait: {@link #tryPublish} fails when the ring is full and the caller stops reading from that client.
 */
public final class RingSink implements RequestSink {

    private final RoutingStage stage;

    private static final Logger log = LoggerFactory.getLogger(RingSink.class);

    // Static and non-capturing: each translator resets every field of the slot it fills.
    private static final EventTranslatorThreeArg<RequestEvent, StageHandler<?, ?>, Object, Object> MESSAGE =
            (event, sequence, handler, message, context) -> event.set(handler, message, context);
    private static final EventTranslatorOneArg<RequestEvent, Runnable> CONTROL =
            (event, sequence, control) -> event.setControl(control);

    private final Disruptor<RequestEvent> disruptor;
    private final RingBuffer<RequestEvent> ring;

    public RingSink(Settings.Pipeline settings) {
        this.stage = new RoutingStage(settings.maxBatch());
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
        disruptor.handleEventsWith(stage);
        disruptor.setDefaultExceptionHandler(new KeepRouting());
        ring = disruptor.start();
    }

    @Override
    public <M, C> boolean tryPublish(StageHandler<M, C> handler, M message, C context) {
        return ring.tryPublishEvent(MESSAGE, handler, message, context);
    }

    @Override
    public void endOfRead() {
        // the routing stage flushes at the end of its own batches
    }

    @Override
    public boolean tryControl(Runnable task) {
        return ring.tryPublishEvent(CONTROL, task);
    }

    @Override
    public void control(Runnable task) {
        ring.publishEvent(CONTROL, task);
    }

    @Override
    public long remainingCapacity() {
        return ring.remainingCapacity();
    }

    @Override
    public int capacity() {
        return ring.getBufferSize();
    }

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
            case SIGNAL_WHEN_ASLEEP -> new SignalWhenAsleepWaitStrategy();
            case TIMEOUT_BLOCKING -> new TimeoutBlockingWaitStrategy(1, TimeUnit.MILLISECONDS);
            case SLEEPING -> new SleepingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }

    /**
     * The routing stage catches failures itself; anything reaching here is a runtime bug. Log it and keep the
     * consumer alive: a dead routing thread would hang every client.
     */
    private static final class KeepRouting implements ExceptionHandler<RequestEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, RequestEvent event) {
            RoutingStage.failedOutsideStage(event, sequence, ex);
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

    @Override
    public void observeBatches(java.util.function.LongConsumer sizes) {
        stage.observeBatches(sizes);
    }
}
