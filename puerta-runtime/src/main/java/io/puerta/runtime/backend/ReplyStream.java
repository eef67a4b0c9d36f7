package io.puerta.runtime.backend;

import io.netty.buffer.ByteBuf;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a subscriber's backend connection sends, on its way to the client: replies and pushed messages, in the order
 * the backend sent them. Filled on the backend's event loop, emptied on the client's. Bounded: past
 * {@link #HIGH_WATER} bytes waiting, the backend connection stops reading (TCP pushes back on the server, whose own
 * output limit for subscribers then applies) until the client has taken them down to {@link #LOW_WATER}.
 */
public final class ReplyStream {

    static final long HIGH_WATER = 4L << 20;
    static final long LOW_WATER = 1L << 20;

    private final Queue<ByteBuf> frames = new ConcurrentLinkedQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final ReplyListener listener;
    private volatile Runnable resume;
    private volatile boolean paused;
    private volatile String endReason;
    private volatile boolean ended;
    private volatile boolean closed;
    private volatile boolean expectingEnd;
    // leaving subscriber mode: the unsubscribe confirmations still to come, and whether the client unsubscribed
    // from everything (then the stream ends, cleanly, with the last of them)
    private final java.util.concurrent.atomic.AtomicInteger unsubscribesOwed =
            new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean leaving;
    private volatile boolean left;

    private final boolean outOfBand;

    public ReplyStream(ReplyListener listener) {
        this(listener, false);
    }

    /**
     * @param outOfBand whether everything the stream carries is a RESP3 push (a RESP3 subscriber, whose other
     *     commands are routed as anyone's): then the client's other replies need not wait behind it
     */
    public ReplyStream(ReplyListener listener, boolean outOfBand) {
        this.listener = listener;
        this.outOfBand = outOfBand;
    }

    /** Whether the client's ordinary replies may be written between the stream's frames (RESP3 pushes). */
    public boolean outOfBand() {
        return outOfBand;
    }

    /**
     * Adds a frame from the backend; the stream owns it. Returns false when the backend connection should stop
     * reading until {@code resume} runs.
     */
    public boolean push(ByteBuf frame, Runnable resume) {
        long size;
        synchronized (this) {
            if (left) {
                frame.release(); // the client left subscriber mode: what the server sends now is nobody's
                return true;
            }
            size = queued.addAndGet(frame.readableBytes());
            frames.add(frame);
            if (unsubscribesOwed.get() > 0
                    && isUnsubscribeConfirmation(frame)
                    && unsubscribesOwed.decrementAndGet() == 0
                    && leaving) {
                left = true;
            }
        }
        if (closed) {
            releaseAll(); // the client is gone: nobody will take it
            return true;
        }
        listener.replyReady();
        if (size >= HIGH_WATER) {
            this.resume = resume;
            paused = true;
            return false;
        }
        return true;
    }

    /**
     * Ends the stream: once the frames already here are written, the client is sent {@code reason} as an error (if
     * not null) and disconnected.
     */
    public void end(String reason) {
        if (left) {
            return; // closing a connection the client left is no news to it
        }
        endReason = expectingEnd ? null : reason;
        ended = true;
        listener.replyReady();
    }

    /** The client asked the server to hang up (QUIT): the end that follows is not an error. */
    public void expectEnd() {
        expectingEnd = true;
    }

    /** The next frame for the client, or null. Client event loop only. */
    public ByteBuf poll() {
        ByteBuf frame = frames.poll();
        if (frame != null && queued.addAndGet(-frame.readableBytes()) <= LOW_WATER && paused) {
            paused = false;
            Runnable hook = resume;
            if (hook != null) {
                hook.run();
            }
        }
        return frame;
    }

    /** Whether the stream has ended and every frame was taken. */
    public boolean finished() {
        return ended && !left && frames.isEmpty();
    }

    /**
     * The client sent an unsubscribe that the server confirms {@code confirmations} times (once a channel). Routing
     * stage, before the request goes to the server.
     */
    public void expectUnsubscribes(int confirmations) {
        unsubscribesOwed.addAndGet(confirmations);
    }

    /**
     * The client unsubscribed from everything: the stream ends with the last confirmation owed, and the client's
     * connection to the proxy goes back to ordinary replies. Routing stage, after {@link #expectUnsubscribes}.
     */
    public void leaveWhenConfirmed() {
        synchronized (this) {
            leaving = true;
            if (unsubscribesOwed.get() == 0) {
                left = true;
            }
        }
        listener.replyReady();
    }

    /**
     * The client reset its connection: the stream ends now with {@code last} (the RESET's answer); what the server
     * still sends is dropped. Routing stage.
     */
    public void leaveNow(ByteBuf last) {
        synchronized (this) {
            if (left) {
                last.release();
                return;
            }
            queued.addAndGet(last.readableBytes());
            frames.add(last);
            left = true;
        }
        listener.replyReady();
    }

    /** Whether the client left subscriber mode through this stream (its connection is a backend's again). */
    public boolean left() {
        return left;
    }

    /** Whether the client left and every frame up to the leaving was taken: ordinary replies follow. */
    public boolean leftAndDrained() {
        return left && frames.isEmpty();
    }

    /** An unsubscribe, punsubscribe or sunsubscribe confirmation: RESP2 array or RESP3 push of three. */
    static boolean isUnsubscribeConfirmation(ByteBuf frame) {
        int at = frame.readerIndex();
        if (frame.readableBytes() < 20) {
            return false;
        }
        byte type = frame.getByte(at);
        if ((type != '*' && type != '>')
                || frame.getByte(at + 1) != '3'
                || frame.getByte(at + 4) != '$'
                || frame.getByte(at + 5) != '1') {
            return false;
        }
        // "$11\r\nunsubscribe" or "$12\r\npunsubscribe" / "$12\r\nsunsubscribe"
        int length = frame.getByte(at + 6) - '0' + 10;
        int word = at + 9;
        if (length == 12) {
            byte first = frame.getByte(word);
            if (first != 'p' && first != 's') {
                return false;
            }
            word++;
        } else if (length != 11) {
            return false;
        }
        return frame.toString(word, 11, java.nio.charset.StandardCharsets.US_ASCII)
                .equals("unsubscribe");
    }

    public String endReason() {
        return endReason;
    }

    /** Drops what is still queued (the client closed). */
    public void close() {
        closed = true;
        releaseAll();
    }

    private void releaseAll() {
        ByteBuf frame;
        while ((frame = frames.poll()) != null) {
            queued.addAndGet(-frame.readableBytes());
            frame.release();
        }
    }
}
