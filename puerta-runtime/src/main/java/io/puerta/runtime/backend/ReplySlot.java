package io.puerta.runtime.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.puerta.runtime.protocol.resp.RespWriter;

/**
 * Where the reply to one backend request goes. While staged for a backend the slot owns the request bytes; once
 * written, it waits in the backend connection's in-flight queue until {@link #complete} hands it the reply.
 * Exactly one of {@link #complete} or {@link #fail} is called for every slot that reaches a backend.
 */
public abstract class ReplySlot {

    private ByteBuf request;
    private long sentAtNanos;
    private int repliesDue = 1;

    /** Takes ownership of {@code reply}. May be called from any thread. */
    public abstract void complete(ByteBuf reply);

    /**
     * Completes with an error reply naming what went wrong: the runtime's failure of the whole slot (a reply from the
     * server goes to {@link #complete}). A slot that stands for several requests fails each that has no reply yet.
     */
    public void fail(String message) {
        complete(RespWriter.error(ByteBufAllocator.DEFAULT, message));
    }

    /**
     * The request never reached its backend (the connection was refused, or closed before it was ready): a slot that
     * can route it again may hold it; the default fails it. Its request bytes were already released.
     *
     * @return whether the slot holds the request to route it again (it has not failed, and whether it finally does is
     *     the slot's to tell)
     */
    public boolean notSent(String reason) {
        fail(reason);
        return false;
    }

    /** Gives the slot the request bytes to send; the slot owns them until {@link #takeRequest}. */
    public final void stage(ByteBuf requestBytes) {
        this.request = requestBytes;
    }

    /** The request bytes, handed to the caller. */
    public final ByteBuf takeRequest() {
        ByteBuf taken = request;
        request = null;
        return taken;
    }

    /** Releases request bytes that were staged but never sent. */
    public final void releaseRequest() {
        ByteBuf owned = takeRequest();
        if (owned != null) {
            owned.release();
        }
    }

    /**
     * The subscriber stream this slot starts, or null. When a backend connection meets such a slot at the head of
     * its in-flight queue, it relays everything it receives from then on to the stream.
     */
    public ReplyStream stream() {
        return null;
    }

    /**
     * Whether a reply is matched to this slot. False for requests of a subscriber, whose answers arrive in the
     * stream with the pushed messages.
     */
    public boolean expectsReply() {
        return true;
    }

    /**
     * Makes the slot wait for {@code count} replies (its bytes are that many pipelined requests, each reply handed to
     * {@link #complete} in turn) before it leaves the in-flight queue. Before it is staged.
     */
    protected final void expectReplies(int count) {
        this.repliesDue = count;
    }

    /** Counts one reply in; whether it was the last this slot waits for. The backend's event loop. */
    public final boolean lastReplyIn() {
        return --repliesDue <= 0; // not ==: a slot sent again after its reply (a redirection) is past zero
    }

    public final long sentAtNanos() {
        return sentAtNanos;
    }

    public final void markSent(long nanos) {
        this.sentAtNanos = nanos;
    }
}
