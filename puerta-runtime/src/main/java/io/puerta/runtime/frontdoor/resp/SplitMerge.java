package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.puerta.runtime.backend.ReplySlot;
import io.puerta.runtime.pipeline.PluginCallFailed;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.runtime.protocol.resp.RespReplyScanner;
import io.puerta.runtime.protocol.resp.RespWriter;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.ReplyMerger;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Collects the replies to the parts of a split request (which may arrive on different backend event loops) and,
 * when the last one is in, completes the client's slot with the merged reply.
 */
final class SplitMerge {

    private final ReplySlot parent;
    private final MergeKind kind;
    private final ReplyMerger merger;
    private final RouterGuard router;
    private final List<SplitPart> parts;
    // a field of the merge, not an AtomicInteger: one object, and one cache line to miss, fewer per split request
    private static final AtomicIntegerFieldUpdater<SplitMerge> REMAINING =
            AtomicIntegerFieldUpdater.newUpdater(SplitMerge.class, "remaining");

    private final ByteBuf[] replies;
    private volatile int remaining;
    private final ByteBuf requests;

    /**
     * @param requests the parts' request bytes, to send a part again where a redirection points, with a reference
     *     this merge owns (released with the last reply), or null when each part keeps its own bytes
     */
    SplitMerge(ReplySlot parent, RouteDecision.Split split, RouterGuard router, ByteBuf requests) {
        this.parent = parent;
        this.kind = split.merge();
        this.merger = split.merger();
        this.router = router;
        this.parts = split.parts();
        this.replies = new ByteBuf[parts.size()];
        this.remaining = parts.size();
        this.requests = requests;
    }

    /** Bytes {@code from} to {@code to} of the parts' requests, with a reference of their own. */
    ByteBuf requestBytes(int from, int to) {
        return requests.retain().slice(from, to - from);
    }

    /** The slot for part {@code index}. */
    ReplySlot partSlot(int index) {
        return new ReplySlot() {
            @Override
            public void complete(ByteBuf reply) {
                partDone(index, reply);
            }
        };
    }

    /** Part {@code index}'s reply, whose ownership it takes. Any thread, once per part. */
    void partDone(int index, ByteBuf reply) {
        if (kind == MergeKind.ALL_OK && isOk(reply)) {
            // nothing of it goes into the merged reply: released now, while it is in the cache, not when the last
            // part is in (a 10-slot MSET kept ten replies, and their buffers, until then)
            reply.release();
            reply = null;
        }
        replies[index] = reply;
        // the decrement publishes the array write above to the thread that sees zero
        if (REMAINING.decrementAndGet(this) == 0) {
            ByteBuf merged;
            try {
                merged = merge();
            } catch (RuntimeException e) {
                merged = RespWriter.error(ByteBufAllocator.DEFAULT, "cannot merge replies of a split command: " + e);
            } finally {
                for (ByteBuf part : replies) {
                    if (part != null) {
                        part.release();
                    }
                }
                if (requests != null) {
                    requests.release();
                }
            }
            parent.complete(merged);
        }
    }

    private ByteBuf merge() {
        if (kind == MergeKind.CUSTOM) {
            List<ByteBuffer> views = new ArrayList<>(replies.length);
            for (ByteBuf reply : replies) {
                views.add(reply.nioBuffer().asReadOnlyBuffer());
            }
            try {
                return Unpooled.copiedBuffer(router.merge(merger, views));
            } catch (PluginCallFailed e) {
                return RespWriter.error(ByteBufAllocator.DEFAULT, e.getMessage());
            }
        }
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        for (ByteBuf reply : replies) {
            if (reply != null && type(reply) == '-') {
                return reply.retainedDuplicate();
            }
        }
        return switch (kind) {
            case INTEGER_SUM -> {
                long sum = 0;
                for (ByteBuf reply : replies) {
                    sum += integer(reply);
                }
                yield RespWriter.integer(alloc, sum);
            }
            case ALL_OK -> {
                for (ByteBuf reply : replies) {
                    if (reply != null) { // an OK part's reply was released as it came (null)
                        yield reply.retainedDuplicate();
                    }
                }
                yield RespWriter.ok();
            }
            case ARRAY_BY_POSITION -> mergeArrays(alloc);
            case CUSTOM -> throw new IllegalStateException("handled above");
        };
    }

    private ByteBuf mergeArrays(ByteBufAllocator alloc) {
        int total = 0;
        for (SplitPart part : parts) {
            total += part.positions().size();
        }
        ByteBuf[] elements = new ByteBuf[total];
        int bytes = 0;
        for (int p = 0; p < replies.length; p++) {
            ByteBuf reply = replies[p];
            List<Integer> positions = parts.get(p).positions();
            if (type(reply) != '*') {
                throw new IllegalStateException(
                        "part " + p + " answered with '" + (char) type(reply) + "', not an array");
            }
            int lineEnd = reply.indexOf(reply.readerIndex(), reply.writerIndex(), (byte) '\n');
            int count = Integer.parseInt(reply.toString(
                    reply.readerIndex() + 1, lineEnd - 1 - reply.readerIndex() - 1, StandardCharsets.US_ASCII));
            if (count != positions.size()) {
                throw new IllegalStateException(
                        "part " + p + " answered " + count + " elements for " + positions.size() + " keys");
            }
            int offset = lineEnd + 1;
            for (int i = 0; i < count; i++) {
                int length = RespReplyScanner.lengthOf(reply, offset);
                int position = positions.get(i);
                if (position < 0 || position >= total || elements[position] != null) {
                    throw new IllegalStateException("part " + p + " names position " + position + " wrongly");
                }
                elements[position] = reply.slice(offset, length);
                bytes += length;
                offset += length;
            }
        }
        ByteBuf merged = alloc.buffer(bytes + 16);
        RespWriter.writeHeader(merged, '*', total);
        for (int i = 0; i < total; i++) {
            if (elements[i] == null) {
                merged.release();
                throw new IllegalStateException("no part answered for position " + i);
            }
            merged.writeBytes(elements[i], elements[i].readerIndex(), elements[i].readableBytes());
        }
        return merged;
    }

    private static boolean isOk(ByteBuf reply) {
        return RespWriter.isOk(reply, reply.readerIndex(), reply.readableBytes());
    }

    private static byte type(ByteBuf reply) {
        return reply.getByte(reply.readerIndex());
    }

    private static long integer(ByteBuf reply) {
        String line = reply.toString(StandardCharsets.US_ASCII).trim();
        if (!line.startsWith(":")) {
            throw new IllegalStateException("expected an integer reply but got " + line);
        }
        return Long.parseLong(line.substring(1));
    }
}
