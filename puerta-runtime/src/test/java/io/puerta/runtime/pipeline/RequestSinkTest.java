package io.puerta.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.config.Settings;
import io.puerta.runtime.config.WaitStrategyName;
import io.puerta.runtime.testing.Await;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The routing stage behind both sinks, with a small handler of our own: messages and control tasks are handled
 * in the order they were published, one message's failure costs that message only, and the ring refuses (never
 * blocks) when full.
 */
class RequestSinkTest {

    static Stream<Arguments> sinks() {
        Supplier<RequestSink> ring = () -> new RingSink(new Settings.Pipeline(
                8, WaitStrategyName.TIMEOUT_BLOCKING, 4, io.puerta.runtime.config.PipelineMode.RING));
        Supplier<RequestSink> eventLoop = () -> new EventLoopSink(4, 8);
        // published from the test's thread, which is no event loop: routed at once, in turn (LoopRingSinkTest has
        // the rings themselves)
        Supplier<RequestSink> perLoop = () -> new LoopRingSink(8, 4);
        return Stream.of(
                Arguments.of("ring", ring),
                Arguments.of("event-loop", eventLoop),
                Arguments.of("ring-per-loop, from elsewhere", perLoop));
    }

    /** Records what it routes; a message "boom" throws, as a runtime bug would. */
    private static final class Recorder implements StageHandler<String, List<String>> {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final List<String> failed = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void route(String message, List<String> answers, Dispatch dispatch) {
            if (message.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            seen.add(message);
            answers.add("routed " + message);
        }

        @Override
        public void failed(String message, List<String> answers, Throwable cause) {
            failed.add(message + ": " + cause.getMessage());
            answers.add("failed " + message);
        }

        @Override
        public void discard(String message, List<String> answers) {}
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinks")
    void messagesAndControlTasksAreHandledInPublishedOrder(String name, Supplier<RequestSink> sinks) {
        Recorder recorder = new Recorder();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        try (RequestSink sink = sinks.get()) {
            for (int i = 0; i < 100; i++) {
                String message = "m" + i;
                Await.until("room in the sink", () -> sink.tryPublish(recorder, message, answers));
                if (i % 10 == 9) {
                    sink.control(() -> recorder.seen.add("control"));
                }
            }
            sink.endOfRead();
            Await.until("all 100 routed", () -> answers.size() == 100);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("m" + i);
            if (i % 10 == 9) {
                expected.add("control");
            }
        }
        assertEquals(expected, recorder.seen);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinks")
    void aFailingMessageIsAnsweredAndTheStageGoesOn(String name, Supplier<RequestSink> sinks) {
        Recorder recorder = new Recorder();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        try (RequestSink sink = sinks.get()) {
            assertTrue(sink.tryPublish(recorder, "before", answers));
            assertTrue(sink.tryPublish(recorder, "boom", answers));
            assertTrue(sink.tryPublish(recorder, "after", answers));
            sink.control(() -> {
                throw new IllegalStateException("a control task failing");
            });
            assertTrue(sink.tryPublish(recorder, "last", answers));
            Await.until("every message answered", () -> answers.size() == 4);
        }
        assertEquals(List.of("routed before", "failed boom", "routed after", "routed last"), answers);
        assertEquals(List.of("boom: boom"), recorder.failed);
    }

    @org.junit.jupiter.api.Test
    void aFullRingRefusesInsteadOfWaiting() throws Exception {
        CountDownLatch stall = new CountDownLatch(1);
        CountDownLatch stalled = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        try (RequestSink sink = new RingSink(new Settings.Pipeline(
                8, WaitStrategyName.TIMEOUT_BLOCKING, 4, io.puerta.runtime.config.PipelineMode.RING))) {
            sink.control(() -> {
                stalled.countDown();
                try {
                    stall.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(stalled.await(10, TimeUnit.SECONDS));
            int accepted = 0;
            while (sink.tryPublish(recorder, "m" + accepted, answers)) {
                accepted++;
                assertTrue(accepted <= 8, "a ring of 8 takes 8 at most");
            }
            assertFalse(sink.tryControl(() -> {}), "control tasks are refused too, without waiting");
            assertEquals(0, sink.remainingCapacity());
            stall.countDown();
            int published = accepted;
            Await.until("the ring drains", () -> answers.size() == published);
            assertEquals(8, sink.capacity());
        }
    }
}
