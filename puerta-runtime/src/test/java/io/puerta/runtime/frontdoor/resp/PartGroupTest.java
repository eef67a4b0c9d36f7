package io.puerta.runtime.frontdoor.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.puerta.runtime.testing.TestingBackend;
import io.puerta.runtime.testing.TestingRouterGuard;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parts of a split that share a backend connection, matched to their replies as one in-flight entry: each reply
 * to its own part, and a failure of the connection to every part still waiting. Redirections and holds are tried
 * on real clusters (SplitGroupTest in the redis-cluster plugin).
 */
class PartGroupTest {

    private final RecordedReply client = new RecordedReply();

    /** An MGET of keys 0..3 split in four parts; the group holds parts 2 and 0, in that order. */
    private PartGroup group(ByteBuf requests) {
        List<SplitPart> parts = List.of(0, 1, 2, 3).stream()
                .map(key -> new SplitPart(TestingBackend.loopback(7000), List.of(new byte[] {'X'}), List.of(key)))
                .toList();
        SplitMerge merge = new SplitMerge(
                client,
                new RouteDecision.Split(parts, MergeKind.ARRAY_BY_POSITION),
                TestingRouterGuard.of(request -> null, new Counter()),
                requests);
        merge.partDone(1, reply("*1\r\n$1\r\nb\r\n"));
        merge.partDone(3, reply("*1\r\n$1\r\nd\r\n"));
        return new PartGroup(merge, new int[] {2, 0}, new int[] {0, 1, 2}, null);
    }

    @Test
    void eachReplyGoesToItsPartAndTheGroupLeavesTheQueueWithItsLast() {
        ByteBuf requests = Unpooled.buffer().writeBytes(new byte[] {'a', 'b'});
        PartGroup group = group(requests);
        assertFalse(group.lastReplyIn());
        group.complete(reply("*1\r\n$1\r\nc\r\n"));
        assertNull(client.text(), "part 0 has not answered");
        assertTrue(group.lastReplyIn());
        group.complete(reply("*1\r\n$1\r\na\r\n"));
        assertEquals("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", client.text());
        assertEquals(0, requests.refCnt(), "the merge gave back the requests' bytes with the last reply");
    }

    @Test
    void aConnectionFailingMidwayFailsOnlyThePartsStillWaiting() {
        ByteBuf requests = Unpooled.buffer().writeBytes(new byte[] {'a', 'b'});
        PartGroup group = group(requests);
        group.complete(reply("*1\r\n$1\r\nc\r\n"));
        group.fail("backend 127.0.0.1:7000 closed the connection");
        assertEquals("-ERR backend 127.0.0.1:7000 closed the connection\r\n", client.text());
        group.fail("a second failure changes nothing"); // every part has its reply: nothing more to fail
        assertEquals("-ERR backend 127.0.0.1:7000 closed the connection\r\n", client.text());
        assertEquals(0, requests.refCnt());
    }

    private static ByteBuf reply(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
