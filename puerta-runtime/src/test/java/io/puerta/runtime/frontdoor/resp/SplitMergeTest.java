package io.puerta.runtime.frontdoor.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.puerta.runtime.testing.TestingBackend;
import io.puerta.runtime.testing.TestingRouterGuard;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.ReplyMerger;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Merging the replies of a split request, which arrive in any order and on any thread. */
class SplitMergeTest {

    private final Counter failures = new Counter();
    private final RecordedReply client = new RecordedReply();

    private SplitMerge split(MergeKind kind, ReplyMerger merger, List<List<Integer>> positions) {
        List<SplitPart> parts = positions.stream()
                .map(p -> new SplitPart(TestingBackend.loopback(7000 + p.get(0)), List.of(new byte[] {'X'}), p))
                .toList();
        RouteDecision.Split split = merger == null
                ? new RouteDecision.Split(parts, kind)
                : (RouteDecision.Split) RouteDecision.split(parts, merger);
        return new SplitMerge(client, split, TestingRouterGuard.of(request -> null, failures), null);
    }

    @Test
    void arraysAreMergedByPositionWhicheverPartAnswersFirstOnWhicheverThread() throws Exception {
        SplitMerge merge = split(MergeKind.ARRAY_BY_POSITION, null, List.of(List.of(0, 2), List.of(1, 3)));
        CompletableFuture.runAsync(() -> answer(merge, 1, "*2\r\n$1\r\nb\r\n$-1\r\n"))
                .get();
        assertEquals(null, client.text(), "waits for every part");
        answer(merge, 0, "*2\r\n$1\r\na\r\n$1\r\nc\r\n");
        assertEquals("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$-1\r\n", client.text());
    }

    @Test
    void anErrorOfAnyPartIsTheReply() {
        SplitMerge merge = split(MergeKind.ARRAY_BY_POSITION, null, List.of(List.of(0), List.of(1)));
        answer(merge, 0, "*1\r\n$1\r\na\r\n");
        answer(merge, 1, "-MOVED 1 127.0.0.1:7001\r\n");
        assertEquals("-MOVED 1 127.0.0.1:7001\r\n", client.text());
    }

    @Test
    void countsAreSummedAndOkNeedsEveryPart() {
        SplitMerge sum = split(MergeKind.INTEGER_SUM, null, List.of(List.of(0), List.of(1), List.of(2)));
        answer(sum, 2, ":3\r\n");
        answer(sum, 0, ":1\r\n");
        answer(sum, 1, ":0\r\n");
        assertEquals(":4\r\n", client.text());

        SplitMerge ok = split(MergeKind.ALL_OK, null, List.of(List.of(0), List.of(1)));
        answer(ok, 0, "+OK\r\n");
        answer(ok, 1, "+QUEUED\r\n");
        assertEquals("+QUEUED\r\n", client.text(), "a part that did not answer OK is the reply");
    }

    @Test
    void anOkPartIsReleasedAsItComesAndTheErrorOfTheFirstFailingPartIsTheReply() {
        SplitMerge merge = split(MergeKind.ALL_OK, null, List.of(List.of(0), List.of(1), List.of(2)));
        ByteBuf ok = Unpooled.copiedBuffer("+OK\r\n", StandardCharsets.UTF_8);
        ByteBuf second = Unpooled.copiedBuffer("-ERR second\r\n", StandardCharsets.UTF_8);
        ByteBuf third = Unpooled.copiedBuffer("-ERR third\r\n", StandardCharsets.UTF_8);
        merge.partSlot(0).complete(ok);
        assertEquals(0, ok.refCnt(), "nothing of an OK goes into the merged reply: released at once");
        merge.partSlot(2).complete(third);
        assertEquals(1, third.refCnt(), "an error is kept until every part is in");
        assertEquals(null, client.text(), "waits for every part");
        merge.partSlot(1).complete(second);
        assertEquals("-ERR second\r\n", client.text(), "the first failing part by position, not by arrival");
        assertEquals(0, second.refCnt());
        assertEquals(0, third.refCnt());
    }

    @Test
    void aPartWithTheWrongShapeIsAnErrorNotAWrongReply() {
        SplitMerge merge = split(MergeKind.ARRAY_BY_POSITION, null, List.of(List.of(0, 1), List.of(2)));
        answer(merge, 0, "*1\r\n$1\r\na\r\n"); // one element for two keys
        answer(merge, 1, "*1\r\n$1\r\nc\r\n");
        assertTrue(client.text().startsWith("-ERR cannot merge replies of a split command"), client.text());
    }

    @Test
    void aRoutersOwnMergerRunsAndItsFailureIsCountedAndAnswered() {
        ReplyMerger concat = replies -> {
            StringBuilder text = new StringBuilder("+");
            for (ByteBuffer reply : replies) {
                text.append(StandardCharsets.UTF_8
                        .decode(reply.duplicate())
                        .toString()
                        .trim()
                        .substring(1));
            }
            return ByteBuffer.wrap((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        };
        SplitMerge merge = split(MergeKind.CUSTOM, concat, List.of(List.of(0), List.of(1)));
        answer(merge, 1, "+b\r\n");
        answer(merge, 0, "+a\r\n");
        assertEquals("+ab\r\n", client.text());

        SplitMerge broken = split(
                MergeKind.CUSTOM,
                replies -> {
                    throw new IllegalStateException("merger bug");
                },
                List.of(List.of(0), List.of(1)));
        answer(broken, 0, "+a\r\n");
        answer(broken, 1, "+b\r\n");
        assertTrue(client.text().startsWith("-ERR router 'test' failed"), client.text());
        assertEquals(1, failures.getCount());
    }

    private static void answer(SplitMerge merge, int part, String reply) {
        merge.partSlot(part).complete(Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8));
    }
}
