package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.puerta.runtime.backend.ReplyListener;
import io.puerta.runtime.backend.ReplySlot;
import io.puerta.runtime.backend.ReplyStream;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The reply a client waits for, in its place in the client's reply order. Completed from any thread (a backend
 * event loop, the routing stage); read and written to the client only on the client's event loop.
 */
public final class PendingReply extends ReplySlot {

    private static final AtomicReferenceFieldUpdater<PendingReply, ByteBuf> REPLY =
            AtomicReferenceFieldUpdater.newUpdater(PendingReply.class, ByteBuf.class, "reply");

    private final ReplyListener listener;
    private final boolean closeAfter;
    private volatile ByteBuf reply;
    private volatile ReplyStream stream;
    // for latency and the slow log. readNanos and argCount: written on the client's event loop before the request
    // is published to the routing stage (which reads readNanos for CLIENT LIST's idle), read there. command:
    // written on the routing stage before the request goes on, read on the client's event loop after the reply
    // completed (the volatile reply orders the two)
    long readNanos;
    String command;
    int argCount;
    /** CLIENT REPLY OFF or SKIP: the reply is dropped, not written. Set on the routing stage, like command. */
    boolean silent;
    /**
     * A subscriber's request relayed to its connection: answered through the stream, so this place is filled with
     * nothing and dropped. Set on the routing stage before it completes.
     */
    boolean relayed;
    /**
     * Routed again after waiting behind a TRYAGAIN (see {@link HeldRequests}): set on the timer thread before it is
     * published, read and cleared on the routing stage.
     */
    volatile boolean retried;
    /** Until when it may wait, once it waited (routing stage and timer; the publication orders them). */
    long holdDeadlineNanos;

    public PendingReply(ReplyListener listener, boolean closeAfter) {
        this.listener = listener;
        this.closeAfter = closeAfter;
    }

    @Override
    public void complete(ByteBuf replyBytes) {
        ReplyStream started = stream;
        if (started != null) {
            // A subscription's replies arrive through its stream: this is the runtime failing it (the backend was
            // unreachable). The client gets the error, then is disconnected, as its subscription is gone.
            started.push(replyBytes, () -> {});
            started.end(null);
            return;
        }
        if (!REPLY.compareAndSet(this, null, replyBytes)) {
            replyBytes.release(); // completed already (a timeout raced a late reply): keep the first
            return;
        }
        listener.replyReady();
    }

    /** The reply if complete, handed to the caller; null while still waiting. */
    public ByteBuf takeReply() {
        ByteBuf taken = reply;
        if (taken != null) {
            reply = Released.MARKER;
        }
        return taken == Released.MARKER ? null : taken;
    }

    public boolean isComplete() {
        return reply != null;
    }

    /**
     * Turns this reply into the client's subscriber stream (routing stage): from here on, everything the backend
     * connection sends is relayed through it.
     */
    ReplyStream startStream(boolean outOfBand) {
        ReplyStream started = new ReplyStream(listener, outOfBand);
        stream = started;
        return started;
    }

    /** The stream this reply became, or null for an ordinary reply. */
    @Override
    public ReplyStream stream() {
        return stream;
    }

    /** Whether the client connection closes once this reply is written (it answers a protocol error). */
    public boolean closeAfter() {
        return closeAfter;
    }

    // A non-null stand-in for "already taken", so a late second complete() is still refused.
    private static final class Released {
        static final ByteBuf MARKER = io.netty.buffer.Unpooled.unreleasableBuffer(io.netty.buffer.Unpooled.buffer(0));
    }
}
