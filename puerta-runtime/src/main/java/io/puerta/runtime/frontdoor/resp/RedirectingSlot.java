package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.puerta.runtime.backend.BackendConnection;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.ReplySlot;
import io.puerta.runtime.protocol.resp.ConnectionSetup;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.routing.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Follows Redis Cluster redirections for one request: it keeps the request bytes, and when the backend answers
 * {@code -MOVED slot host:port} or {@code -ASK slot host:port}, sends them again to that node (after
 * {@code ASKING}, for ASK) instead of passing the error on, up to a bound. Runs on backend event loops.
 *
 * <p>A request that never reached its backend (refused connection, a master marked down) is held instead of failed,
 * for as long as the router allows ({@link io.puerta.spi.routing.RedirectAware#holdUnsent}): the dispatcher routes it
 * again every 100 ms, so a failover costs the client a wait. A request that reached a backend is never sent twice.
 */
final class RedirectingSlot extends ReplySlot {

    private static final byte[] ASKING = "*1\r\n$6\r\nASKING\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * What the redirecting slots of one client's requests share: made once per client and setup, not per request
     * (it kept the slot at 96 bytes, a third of the bytes allocated per request in cluster mode).
     */
    record Shared(
            BackendRegistry backends,
            Function<BackendNode, BackendConnection> connections,
            String noConnection,
            int maxRedirects,
            Consumer<Redirect> onRedirect,
            ClientInfo requester,
            ConnectionSetup setup,
            long holdNanos,
            Consumer<RedirectingSlot> hold,
            Runnable onHeld,
            Runnable onHeldAndFailed) {}

    private final ReplySlot client;
    private final Shared shared;
    private ByteBuf original;
    private final int start; // where the request starts in original: a send moves original's reader index
    private int redirectsLeft;
    private boolean holding;
    private long holdUntil;
    private String lastReason;

    RedirectingSlot(ReplySlot client, ByteBuf original, Shared shared) {
        this.client = client;
        this.original = original;
        this.start = original.readerIndex();
        this.shared = shared;
        this.redirectsLeft = shared.maxRedirects();
        stage(sendable());
    }

    @Override
    public boolean notSent(String reason) {
        if (!mayHold()) {
            failClient(reason);
            return false;
        }
        if (!holding) {
            holding = true;
            holdUntil = System.nanoTime() + shared.holdNanos();
            shared.onHeld().run();
        }
        lastReason = reason;
        shared.hold().accept(this);
        return true;
    }

    /** Whether the request may still be held rather than sent (or failed) now. */
    boolean mayHold() {
        return original != null && shared.holdNanos() > 0 && (!holding || System.nanoTime() - holdUntil < 0);
    }

    /** The request as the client sent it, to route again (the caller releases it); null if it cannot be read. */
    RespRequest requestAgain() {
        RespRequest again =
                original == null ? null : RespRequest.parse(shared.requester(), original.readerIndex(start));
        return again == null ? null : again.setup(shared.setup());
    }

    /** Where the client's requests go on a node (its shared connection). */
    BackendConnection connectionTo(BackendNode node) {
        return shared.connections().apply(node);
    }

    /** Sends the held request to {@code target}, from any thread. */
    void resend(BackendConnection target) {
        stage(sendable());
        target.submit(this);
    }

    /**
     * Ends the hold with an error: {@code reason}, or the last reason it could not be sent. Counted as a backend's
     * failure here, where it is final, and not when the request was held.
     */
    void giveUp(String reason) {
        shared.onHeldAndFailed().run();
        failClient(reason != null ? reason : lastReason);
    }

    private void failClient(String reason) {
        release();
        client.fail(reason);
    }

    @Override
    public void complete(ByteBuf reply) {
        Redirect redirect = redirectsLeft > 0 ? parse(reply) : null;
        if (redirect == null) {
            release();
            client.complete(reply);
            return;
        }
        BackendNode target = (BackendNode) redirect.target();
        BackendConnection connection = shared.connections().apply(target);
        if (connection == null) {
            reply.release();
            release();
            client.fail(shared.noConnection());
            return;
        }
        reply.release();
        redirectsLeft--;
        if (!redirect.moved()) {
            // ASKING and the request on one connection, in that order: the node serves the next command once.
            ReplySlot asking = new ReplySlot() {
                @Override
                public void complete(ByteBuf ignored) {
                    ignored.release();
                }
            };
            asking.stage(Unpooled.wrappedBuffer(ASKING));
            connection.submit(asking);
        }
        shared.onRedirect().accept(redirect);
        stage(sendable());
        connection.submit(this);
    }

    /**
     * The request bytes to send once more, with a reference of their own. Not a duplicate per send: the bytes are
     * read again only after the previous send of them ended (its reply arrived, or it never left), when the channel
     * that wrote them is done with them, so rewinding them to their start is safe and costs no buffer per request.
     */
    private ByteBuf sendable() {
        return original.readerIndex(start).retain();
    }

    private void release() {
        ByteBuf owned = original;
        original = null;
        if (owned != null) {
            owned.release();
        }
    }

    /** {@code -MOVED 3999 127.0.0.1:6381} or {@code -ASK ...}; null for any other reply. */
    private Redirect parse(ByteBuf reply) {
        int start = reply.readerIndex();
        if (reply.readableBytes() < 8 || reply.getByte(start) != '-') {
            return null;
        }
        boolean moved = reply.getByte(start + 1) == 'M';
        boolean ask = reply.getByte(start + 1) == 'A';
        if (!moved && !ask) {
            return null;
        }
        String line = reply.toString(start + 1, Math.min(reply.readableBytes() - 1, 300), StandardCharsets.US_ASCII);
        int end = line.indexOf('\r');
        String[] parts = (end < 0 ? line : line.substring(0, end)).split(" ");
        if (parts.length != 3 || !(parts[0].equals("MOVED") || parts[0].equals("ASK"))) {
            return null;
        }
        try {
            int slot = Integer.parseInt(parts[1]);
            int colon = parts[2].lastIndexOf(':');
            String host = parts[2].substring(0, colon);
            int port = Integer.parseInt(parts[2].substring(colon + 1));
            return new Redirect(
                    parts[0].equals("MOVED"), slot, shared.backends().backend(host, port));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
