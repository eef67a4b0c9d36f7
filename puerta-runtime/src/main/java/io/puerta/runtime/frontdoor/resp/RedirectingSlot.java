package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.puerta.runtime.backend.BackendConnection;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.ReplySlot;
import io.puerta.spi.routing.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Follows Redis Cluster redirections for one request: it keeps the request bytes, and when the backend answers
 * {@code -MOVED slot host:port} or {@code -ASK slot host:port}, sends them again to that node (after
 * {@code ASKING}, for ASK) instead of passing the error on, up to a bound. Runs on backend event loops.
 */
final class RedirectingSlot extends ReplySlot {

    private static final byte[] ASKING = "*1\r\n$6\r\nASKING\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ReplySlot client;
    private final BackendRegistry backends;
    private final Function<BackendNode, BackendConnection> connections;
    private final String noConnection;
    private final Consumer<Redirect> notify;
    private ByteBuf original;
    private int redirectsLeft;

    RedirectingSlot(
            ReplySlot client,
            ByteBuf original,
            BackendRegistry backends,
            Function<BackendNode, BackendConnection> connections,
            String noConnection,
            int maxRedirects,
            Consumer<Redirect> notify) {
        this.client = client;
        this.original = original;
        this.backends = backends;
        this.connections = connections;
        this.noConnection = noConnection;
        this.redirectsLeft = maxRedirects;
        this.notify = notify;
        stage(original.retainedDuplicate());
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
        BackendConnection connection = connections.apply(target);
        if (connection == null) {
            reply.release();
            release();
            client.fail(noConnection);
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
        notify.accept(redirect);
        stage(original.retainedDuplicate());
        connection.submit(this);
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
            return new Redirect(parts[0].equals("MOVED"), slot, backends.backend(host, port));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
