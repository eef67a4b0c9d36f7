package io.puerta.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drains due on an event loop run together, in order, after the task that made them due; none is lost. */
class LoopDrainsTest {

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private final List<String> ran = new CopyOnWriteArrayList<>();

    /** A drain (or task) that records its name when it runs, and counts {@code done} down. */
    private Runnable recording(String name, CountDownLatch done) {
        return () -> {
            ran.add(name);
            done.countDown();
        };
    }

    @Test
    void drainsDueInOneTaskRunAfterItInOrder() throws Exception {
        CountDownLatch done = new CountDownLatch(3);
        loop.execute(() -> {
            for (String name : List.of("a", "b", "c")) {
                LoopDrains.runSoon(loop, recording(name, done));
            }
            ran.add("the task that made them due");
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("the task that made them due", "a", "b", "c"), ran);
    }

    @Test
    void drainsDueInOneTaskAreOneTaskOfTheLoop() throws Exception {
        CountDownLatch done = new CountDownLatch(3);
        loop.execute(() -> {
            LoopDrains.runSoon(loop, recording("first drain", done));
            loop.execute(recording("a task queued between them", done));
            LoopDrains.runSoon(loop, recording("second drain", done));
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("first drain", "second drain", "a task queued between them"), ran);
    }

    @Test
    void aDrainThatFailsStopsNoOtherAndDrainsMadeDueByADrainRunToo() throws Exception {
        CountDownLatch done = new CountDownLatch(3);
        loop.execute(() -> {
            LoopDrains.runSoon(loop, () -> {
                throw new IllegalStateException("a bug in one client's drain");
            });
            LoopDrains.runSoon(loop, () -> {
                recording("second", done).run();
                LoopDrains.runSoon(loop, recording("made due by the second", done));
            });
            LoopDrains.runSoon(loop, recording("third", done));
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("second", "third", "made due by the second"), ran);
        // and the loop goes on draining afterwards
        CountDownLatch later = new CountDownLatch(1);
        loop.execute(() -> LoopDrains.runSoon(loop, later::countDown));
        assertTrue(later.await(5, TimeUnit.SECONDS));
    }

    @Test
    void aDrainDueOnAnotherThreadRunsOnTheLoop() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Thread[] ranOn = new Thread[1];
        LoopDrains.runSoon(loop, () -> {
            ranOn[0] = Thread.currentThread();
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertTrue(loop.submit(() -> Thread.currentThread() == ranOn[0]).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aLoopThatHasShutDownRefusesDrains() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        assertThrows(RejectedExecutionException.class, () -> LoopDrains.runSoon(loop, () -> {}));
    }
}
