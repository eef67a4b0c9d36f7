package io.puerta.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The routing stage's wait strategy loses no wake-up: producers that publish in bursts and pauses, so that the
 * consumer falls asleep again and again, see every event consumed, each soon after it was published.
 */
class SignalWhenAsleepWaitStrategyTest {

    private static final class Event {
        long value;
    }

    @Test
    void everyEventIsConsumedAndNoneWaitsForAWakeUpThatNeverComes() throws Exception {
        int producers = 3;
        int perProducer = 20_000;
        AtomicLong consumed = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        Disruptor<Event> disruptor = new Disruptor<>(
                Event::new, 1024, DaemonThreadFactory.INSTANCE, ProducerType.MULTI, new SignalWhenAsleepWaitStrategy());
        disruptor.handleEventsWith((event, sequence, endOfBatch) -> {
            long waited = System.nanoTime() - event.value;
            slowest.accumulateAndGet(waited, Math::max);
            if (consumed.incrementAndGet() == (long) producers * perProducer) {
                done.countDown();
            }
        });
        RingBuffer<Event> ring = disruptor.start();
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            threads[p] = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    ring.publishEvent((event, sequence) -> event.value = System.nanoTime());
                    if (ThreadLocalRandom.current().nextInt(64) == 0) {
                        LockSupport.parkNanos(50_000); // a pause: the consumer falls asleep
                    }
                }
            });
            threads[p].start();
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertTrue(done.await(30, TimeUnit.SECONDS), "consumed " + consumed.get());
        assertEquals((long) producers * perProducer, consumed.get());
        // a lost wake-up would leave an event waiting until the next publish, or for ever for the last one
        assertTrue(slowest.get() < TimeUnit.SECONDS.toNanos(1), "slowest hand-off " + slowest.get() + " ns");
        disruptor.shutdown(5, TimeUnit.SECONDS);
    }

    @Test
    void aSleepingConsumerWakesForTheShutdown() throws Exception {
        Disruptor<Event> disruptor = new Disruptor<>(
                Event::new, 64, DaemonThreadFactory.INSTANCE, ProducerType.MULTI, new SignalWhenAsleepWaitStrategy());
        disruptor.handleEventsWith((event, sequence, endOfBatch) -> {});
        disruptor.start();
        long start = System.nanoTime();
        disruptor.halt(); // the consumer sleeps on an empty ring: the alert must wake it
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }
}
