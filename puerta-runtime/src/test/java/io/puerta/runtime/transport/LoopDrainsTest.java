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

    @Test
    void drainsDueInOneTaskRunAfterItInOrder() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        loop.execute(() -> {
            for (String name : List.of("a", "b", "c")) {
                LoopDrains.runSoon(loop, () -> {
                    ran.add(name);
                    done.countDown();
                });
            }
            ran.add("the task that made them due");
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("the task that made them due", "a", "b", "c"), ran);
    }

    @Test
    void drainsDueInOneTaskAreOneTaskOfTheLoop() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        loop.execute(() -> {
            LoopDrains.runSoon(loop, () -> {
                ran.add("first drain");
                done.countDown();
            });
            loop.execute(() -> {
                ran.add("a task queued between them");
                done.countDown();
            });
            LoopDrains.runSoon(loop, () -> {
                ran.add("second drain");
                done.countDown();
            });
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("first drain", "second drain", "a task queued between them"), ran);
    }

    @Test
    void aDrainThatFailsStopsNoOtherAndDrainsMadeDueByADrainRunToo() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        loop.execute(() -> {
            LoopDrains.runSoon(loop, () -> {
                throw new IllegalStateException("a bug in one client's drain");
            });
            LoopDrains.runSoon(loop, () -> {
                ran.add("second");
                done.countDown();
                LoopDrains.runSoon(loop, () -> {
                    ran.add("made due by the second");
                    done.countDown();
                });
            });
            LoopDrains.runSoon(loop, () -> {
                ran.add("third");
                done.countDown();
            });
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
