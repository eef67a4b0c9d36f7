package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.puerta.runtime.backend.ReplySlot;
import io.puerta.runtime.protocol.resp.RespWriter;

/**
 * The parts of one split request that go to the same backend connection, sent as one pipelined write and waiting as
 * one entry of the connection's in-flight queue; each reply goes to its part's place in the merge. A 10-key MSET
 * over a 3-master cluster is 10 parts but 3 groups: per part, no slot, no redirecting slot, no queue entry of its
 * own.
 *
 * <p>Redirections are followed as for any request, by a {@link RedirectingSlot} made for the part only when its
 * reply is a MOVED or ASK; a group that never reached its backend is held (or failed) part by part in the same way.
 * Runs on the backend's event loop, after the routing stage made it.
 */
final class PartGroup extends ReplySlot {

    private final SplitMerge merge;
    private final int[] parts; // the merge's index of each request of the group, in the order they were written
    private final int[] starts; // where each request starts in the merge's bytes; the last entry is where all end
    private final RedirectingSlot.Shared redirects;
    private int replied; // how many of the parts have had their reply (or failed)

    PartGroup(SplitMerge merge, int[] parts, int[] starts, RedirectingSlot.Shared redirects) {
        this.merge = merge;
        this.parts = parts;
        this.starts = starts;
        this.redirects = redirects;
        expectReplies(parts.length);
    }

    @Override
    public void complete(ByteBuf reply) {
        if (replied == parts.length) {
            reply.release(); // cannot happen: the connection matches as many replies as the group expects
            return;
        }
        int i = replied++;
        if (mayBeRedirection(reply)) {
            redirecting(i).complete(reply); // follows a MOVED or ASK, or passes any other error on to the merge
        } else {
            merge.partDone(parts[i], reply);
        }
    }

    /** The connection failed the group: each part that has no reply yet gets the error. */
    @Override
    public void fail(String message) {
        while (replied < parts.length) {
            merge.partDone(parts[replied++], RespWriter.error(ByteBufAllocator.DEFAULT, message));
        }
    }

    /** Nothing of the group reached the backend: each part is held to be routed again, or fails, on its own. */
    @Override
    public boolean notSent(String reason) {
        boolean held = false;
        while (replied < parts.length) {
            held |= redirecting(replied++).notSent(reason);
        }
        return held;
    }

    /** A slot that sends part {@code i} again, where a redirection points or the router routes it; not staged. */
    private RedirectingSlot redirecting(int i) {
        RedirectingSlot part =
                new RedirectingSlot(merge.partSlot(parts[i]), merge.requestBytes(starts[i], starts[i + 1]), redirects);
        part.releaseRequest(); // staged by the constructor for a send that did not happen: it sends when told to
        return part;
    }

    private static boolean mayBeRedirection(ByteBuf reply) {
        int at = reply.readerIndex();
        return reply.readableBytes() > 1
                && reply.getByte(at) == '-'
                && (reply.getByte(at + 1) == 'M' || reply.getByte(at + 1) == 'A');
    }
}
