package io.puerta.runtime.backend.mongo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.ReconnectingConnection;
import io.puerta.runtime.protocol.mongo.MongoFrame;
import io.puerta.runtime.protocol.mongo.MongoFrameDecoder;
import io.puerta.runtime.protocol.mongo.MongoProtocolError;
import io.puerta.runtime.protocol.mongo.MongoRequest;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a mongos that carries the messages of many clients (the per-message mode). Each message gets
 * a request id unique on this connection; replies are matched by their responseTo, which can come in any order,
 * and an exhaust cursor's replies ({@code moreToCome}) all go to the one exchange that asked. When credentials
 * are configured the connection authenticates itself (SCRAM-SHA-256) before any client message goes out.
 * Connecting, queueing, timeouts and failures are {@link ReconnectingConnection}'s.
 *
 * <p>Threads: {@link #send(MongoExchange)} from any thread; everything else on the event loop.
 */
public final class MongoMuxConnection extends ReconnectingConnection<MongoExchange> {

    private static final Logger log = LoggerFactory.getLogger(MongoMuxConnection.class);

    private final BackendNode node;
    private final MongoBackends owner;

    // event loop only
    private final Map<Integer, MongoExchange> inFlight = new HashMap<>();
    private List<MongoExchange> gathered = new java.util.ArrayList<>();
    private final Runnable sendGathered = this::sendGathered;
    private int nextId = 1;
    private MongoAuthenticator authenticator;

    MongoMuxConnection(BackendNode node, EventLoop loop, MongoBackends owner) {
        super("mongos", node.host(), node.port(), loop, owner::bootstrap, owner.tls(), owner.options(), true);
        this.node = node;
        this.owner = owner;
    }

    @Override
    protected void connectFailed(String reason) {
        node.passiveDown(reason);
    }

    /**
     * Sends an exchange (any thread): its frame goes out with this connection's own request id. On the connection's
     * own event loop, the exchanges of one turn are gathered and written by one task at the end of the turn, with one
     * flush and no wake-up; from elsewhere each is handed to the loop. Both go through the loop's task queue, so
     * they leave in the order sent.
     */
    public void send(MongoExchange exchange) {
        if (loop().inEventLoop()) {
            gathered.add(exchange);
            if (gathered.size() == 1 && !execute(sendGathered)) {
                failGathered();
            }
            return;
        }
        if (!execute(() -> send(List.of(exchange)))) {
            failShuttingDown(exchange);
        }
    }

    private static void failShuttingDown(MongoExchange exchange) {
        exchange.releaseFrame();
        exchange.target.fail(exchange.request, "proxy is shutting down", 91, "ShutdownInProgress");
    }

    private void sendGathered() {
        List<MongoExchange> batch = gathered;
        gathered = new java.util.ArrayList<>();
        send(batch);
    }

    private void failGathered() {
        List<MongoExchange> batch = gathered;
        gathered = new java.util.ArrayList<>();
        batch.forEach(MongoMuxConnection::failShuttingDown);
    }

    void close() {
        close("proxy is shutting down");
    }

    @Override
    protected void initChannel(Channel channel) {
        channel.pipeline().addLast("frames", new MongoFrameDecoder(owner.maxMessageBytes()));
        channel.pipeline().addLast("replies", new ResponseToReplies());
    }

    @Override
    protected void prepare(Channel channel) {
        if (owner.credentials() == null) {
            ready();
            return;
        }
        authenticator = new MongoAuthenticator(owner.credentials(), channel, this::authenticated);
        authenticator.start();
    }

    private void authenticated(String failure) {
        authenticator = null;
        if (failure == null) {
            ready();
        } else {
            prepareFailed(name + " refused the proxy's credentials: " + failure);
        }
    }

    @Override
    protected void write(Channel channel, MongoExchange exchange, long nowNanos) {
        ByteBuf frame = exchange.frame;
        exchange.frame = null;
        int id = nextId();
        exchange.proxyRequestId = id;
        exchange.sentAtNanos = nowNanos;
        int start = frame.readerIndex();
        frame.setIntLE(start + 4, id);
        if (frame.getIntLE(start + 12) == MongoFrame.OP_MSG
                && (frame.getIntLE(start + 16) & MongoRequest.CHECKSUM_PRESENT) != 0) {
            // the checksum covered the old request id: drop it rather than compute a new one
            frame.setIntLE(start + 16, frame.getIntLE(start + 16) & ~MongoRequest.CHECKSUM_PRESENT);
            frame.writerIndex(frame.writerIndex() - 4);
            frame.setIntLE(start, frame.readableBytes());
        }
        if (exchange.expectsReply) {
            inFlight.put(id, exchange);
        }
        channel.write(frame, channel.voidPromise());
    }

    private int nextId() {
        int id = nextId;
        nextId = id == Integer.MAX_VALUE ? 1 : id + 1;
        return id;
    }

    @Override
    protected void fail(MongoExchange exchange, String reason) {
        exchange.releaseFrame();
        owner.metrics().backendErrors().inc();
        if (exchange.expectsReply) {
            // HostUnreachable is one of the errors drivers retry, on a connection the proxy routes anew
            exchange.target.fail(exchange.request, reason, 6, "HostUnreachable");
        }
    }

    @Override
    protected void failInFlight(String reason) {
        Iterator<MongoExchange> it = inFlight.values().iterator();
        while (it.hasNext()) {
            MongoExchange exchange = it.next();
            it.remove();
            fail(exchange, reason);
        }
    }

    @Override
    protected int inFlight() {
        return inFlight.size();
    }

    @Override
    protected long oldestSentAtNanos() {
        long oldest = Long.MAX_VALUE;
        for (MongoExchange exchange : inFlight.values()) {
            // compared as differences: nanoTime may be negative
            if (oldest == Long.MAX_VALUE || exchange.sentAtNanos - oldest < 0) {
                oldest = exchange.sentAtNanos;
            }
        }
        return oldest;
    }

    private void onReply(MongoFrame reply) {
        MongoExchange exchange = inFlight.get(reply.responseTo());
        if (exchange == null) {
            reply.release();
            return; // a reply to a request that timed out or was given up: nobody waits for it
        }
        ByteBuf bytes = reply.bytes();
        int start = bytes.readerIndex();
        if (!MongoFrame.moreToCome(bytes)) {
            inFlight.remove(reply.responseTo());
        } else {
            exchange.sentAtNanos = System.nanoTime(); // an exhaust cursor: the next batch is on its way
        }
        owner.observer().replied(exchange.request, node, bytes.nioBuffer().asReadOnlyBuffer());
        bytes.setIntLE(start + 8, exchange.clientRequestId);
        exchange.target.reply(bytes);
    }

    /** Backend messages: replies matched by responseTo, or (while authenticating) the SCRAM conversation. */
    private final class ResponseToReplies extends Replies {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof MongoFrame frame) {
                if (authenticator != null) {
                    authenticator.onReply(frame);
                } else {
                    onReply(frame);
                }
            } else if (msg instanceof MongoProtocolError error) {
                String reason = name + " sent something that is not a MongoDB message: " + error.message();
                log.warn(reason);
                closeBecause(reason);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
