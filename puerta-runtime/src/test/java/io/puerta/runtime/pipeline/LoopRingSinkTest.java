package io.puerta.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.puerta.runtime.testing.Await;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ring-per-loop}: each event loop drains its own ring after its turn's work, on its own thread, as one batch;
 * several loops take turns on the routing stage and never enter it together.
 */
class LoopRingSinkTest {

    private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(2);

    @AfterEach
    void stopLoops() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records what it routes and on which thread; checks that no two threads route at once. */
    private static final class Recorder implements StageHandler<String, List<String>> {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inside = new AtomicInteger();
        volatile boolean overlapped;
        volatile long millisEach;

        @Override
        public void route(String message, List<String> answers, Dispatch dispatch) {
            if (inside.incrementAndGet() > 1) {
                overlapped = true;
            }
            seen.add(message);
            threads.add(Thread.currentThread().getName());
            if (millisEach > 0) {
                try {
                    Thread.sleep(millisEach);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            inside.decrementAndGet();
            answers.add(message);
        }

        @Override
        public void failed(String message, List<String> answers, Throwable cause) {
            answers.add("failed " + message);
        }

        @Override
        public void discard(String message, List<String> answers) {}
    }

    @Test
    void aLoopsMessagesAreRoutedOnItsOwnThreadAsOneBatchInOrderWithItsControlTasks() throws Exception {
        Recorder recorder = new Recorder();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        List<Long> batches = Collections.synchronizedList(new ArrayList<>());
        EventLoop loop = loops.next();
        String loopThread = loop.submit(() -> Thread.currentThread().getName()).get();
        try (LoopRingSink sink = new LoopRingSink(64, 256)) {
            sink.observeBatches(batches::add);
            loop.submit(() -> {
                        for (int i = 0; i < 30; i++) {
                            assertTrue(sink.tryPublish(recorder, "m" + i, answers));
                            if (i == 14) {
                                assertTrue(sink.tryControl(() -> recorder.seen.add("control")));
                            }
                        }
                        // nothing is routed before the loop's turn ends
                        assertTrue(recorder.seen.isEmpty());
                    })
                    .get();
            Await.until("all 30 routed", () -> answers.size() == 30);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            expected.add("m" + i);
            if (i == 14) {
                expected.add("control");
            }
        }
        assertEquals(expected, recorder.seen);
        assertEquals(List.of(loopThread), recorder.threads.stream().distinct().toList(), "no thread crossed");
        assertEquals(List.of(31L), batches, "one batch: the 30 messages and the control task");
    }

    @Test
    void twoLoopsTakeTurnsOnTheRouterAndKeepTheirOwnOrder() throws Exception {
        Recorder recorder = new Recorder();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        int perLoop = 5_000;
        try (LoopRingSink sink = new LoopRingSink(128, 256)) {
            for (String name : List.of("a", "b")) {
                EventLoop loop = loops.next();
                publishFrom(loop, sink, recorder, answers, name, 0, perLoop);
            }
            Await.until("every message routed", () -> answers.size() == 2 * perLoop);
        }
        assertFalse(recorder.overlapped, "the router was entered by two threads at once");
        for (String name : List.of("a", "b")) {
            List<String> own =
                    recorder.seen.stream().filter(m -> m.startsWith(name)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perLoop; i++) {
                expected.add(name + i);
            }
            assertEquals(expected, own, "loop " + name + "'s order");
        }
    }

    /** Publishes {@code from..to} from {@code loop}, in tasks of 50 (a turn each); a full ring is tried again. */
    private static void publishFrom(
            EventLoop loop, LoopRingSink sink, Recorder recorder, List<String> answers, String name, int from, int to) {
        if (from >= to) {
            return;
        }
        loop.execute(() -> {
            int next = from;
            while (next < Math.min(to, from + 50) && sink.tryPublish(recorder, name + next, answers)) {
                next++;
            }
            publishFrom(loop, sink, recorder, answers, name, next, to);
        });
    }

    @Test
    void aFullLoopRingRefusesUntilItsLoopDrainsIt() throws Exception {
        Recorder recorder = new Recorder();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        EventLoop loop = loops.next();
        try (LoopRingSink sink = new LoopRingSink(8, 256)) {
            int accepted = loop.submit(() -> {
                        int n = 0;
                        while (sink.tryPublish(recorder, "m" + n, answers)) {
                            n++;
                            assertTrue(n <= 8, "a ring of 8 takes 8 at most");
                        }
                        assertEquals(0, sink.remainingCapacity());
                        assertFalse(sink.tryControl(() -> {}), "a control task waits its turn, it does not overtake");
                        return n;
                    })
                    .get();
            assertEquals(8, accepted);
            Await.until("the loop drains its ring", () -> answers.size() == 8);
            assertTrue(loop.submit(() -> sink.tryPublish(recorder, "again", answers))
                    .get());
            Await.until("room again", () -> answers.size() == 9);
        }
    }

    @Test
    void controlFromAThreadThatIsNoLoopRunsAtOnceInTurn() {
        Recorder recorder = new Recorder();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        try (LoopRingSink sink = new LoopRingSink(8, 256)) {
            sink.control(() -> recorder.seen.add("control"));
            assertEquals(List.of("control"), recorder.seen, "ran before control() returned");
            assertTrue(sink.tryPublish(recorder, "m", answers));
            assertEquals(List.of("m"), answers, "routed on the calling thread");
        }
    }

    @Test
    void closeWaitsForEveryRingToBeDrained() throws Exception {
        Recorder recorder = new Recorder();
        recorder.millisEach = 5; // a drain of 20 takes 100 ms
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        EventLoop loop = loops.next();
        LoopRingSink sink = new LoopRingSink(64, 256);
        loop.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        sink.tryPublish(recorder, "m" + i, answers);
                    }
                })
                .get();
        sink.close();
        assertEquals(20, answers.size());
    }
}
