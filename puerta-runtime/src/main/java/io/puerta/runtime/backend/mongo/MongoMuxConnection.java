package io.puerta.runtime.backend.mongo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.protocol.mongo.MongoFrame;
import io.puerta.runtime.protocol.mongo.MongoFrameDecoder;
import io.puerta.runtime.protocol.mongo.MongoProtocolError;
import io.puerta.runtime.protocol.mongo.MongoRequest;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a mongos that carries the messages of many clients (the per-message mode). Each message gets
 * a request id unique on this connection; replies are matched by their responseTo, which can come in any order,
 * and an exhaust cursor's replies ({@code moreToCome}) all go to the one exchange that asked. When credentials
 * are configured the connection authenticates itself (SCRAM-SHA-256) before any client message goes out.
 *
 * <p>Threads: {@link #send} from the routing stage; everything else on {@link #loop}, which owns the state.
 */
public final class MongoMuxConnection {

    private static final Logger log = LoggerFactory.getLogger(MongoMuxConnection.class);

    private enum State {
        DISCONNECTED,
        CONNECTING,
        AUTHENTICATING,
        READY,
        CLOSED
    }

    private final BackendNode node;
    private final InetSocketAddress address;
    private final EventLoop loop;
    private final MongoBackends owner;

    // event loop only
    private State state = State.DISCONNECTED;
    private Channel channel;
    private final Map<Integer, MongoExchange> inFlight = new HashMap<>();
    private final ArrayDeque<MongoExchange> waiting = new ArrayDeque<>();
    private int nextId = 1;
    private long retryAfterNanos;
    private String lastFailure;
    private String closeReason;
    private ScheduledFuture<?> timeoutCheck;
    private MongoAuthenticator authenticator;

    MongoMuxConnection(BackendNode node, EventLoop loop, MongoBackends owner) {
        this.node = node;
        this.address = new InetSocketAddress(node.host(), node.port());
        this.loop = loop;
        this.owner = owner;
    }

    /** Sends an exchange (any thread): its frame goes out with this connection's own request id. */
    public void send(MongoExchange exchange) {
        try {
            loop.execute(() -> dispatch(exchange));
        } catch (RejectedExecutionException e) {
            exchange.releaseFrame();
            exchange.target.fail(exchange.request, "proxy is shutting down", 91, "ShutdownInProgress");
        }
    }

    void close() {
        try {
            loop.execute(() -> {
                state = State.CLOSED;
                failWaiting("proxy is shutting down");
                if (channel != null) {
                    closeReason = "proxy is shutting down";
                    channel.close();
                }
            });
        } catch (RejectedExecutionException e) {
            // the loop is gone, and the channel with it
        }
    }

    private void dispatch(MongoExchange exchange) {
        switch (state) {
            case READY -> {
                write(exchange);
                channel.flush();
            }
            case CONNECTING, AUTHENTICATING -> queue(exchange);
            case DISCONNECTED -> {
                if (System.nanoTime() - retryAfterNanos < 0) {
                    fail(exchange, lastFailure);
                } else {
                    queue(exchange);
                    connect();
                }
            }
            case CLOSED -> fail(exchange, "proxy is shutting down");
        }
    }

    private void queue(MongoExchange exchange) {
        if (waiting.size() >= owner.options().maxQueuedWhileConnecting()) {
            fail(
                    exchange,
                    "mongos " + node.address() + " is connecting and already has " + waiting.size()
                            + " messages waiting");
        } else {
            waiting.add(exchange);
        }
    }

    private void write(MongoExchange exchange) {
        ByteBuf frame = exchange.frame;
        exchange.frame = null;
        int id = nextId();
        exchange.proxyRequestId = id;
        exchange.sentAtNanos = System.nanoTime();
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

    private void connect() {
        state = State.CONNECTING;
        ChannelFuture future = owner.bootstrap(loop)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("frames", new MongoFrameDecoder(owner.maxMessageBytes()));
                        ch.pipeline().addLast("replies", new ReplyHandler());
                    }
                })
                .connect(address);
        future.addListener((ChannelFuture f) -> onConnect(f));
    }

    private void onConnect(ChannelFuture future) {
        if (state == State.CLOSED) {
            future.channel().close();
            return;
        }
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            down("mongos " + node.address() + " unavailable: "
                    + (cause == null ? "connect failed" : cause.getMessage()));
            return;
        }
        channel = future.channel();
        long period = Math.max(10, Math.min(owner.options().requestTimeout().toMillis() / 4, 250));
        timeoutCheck = loop.scheduleAtFixedRate(this::checkTimeouts, period, period, TimeUnit.MILLISECONDS);
        if (owner.credentials() != null) {
            state = State.AUTHENTICATING;
            authenticator = new MongoAuthenticator(owner.credentials(), channel, this::authenticated);
            authenticator.start();
        } else {
            ready();
        }
    }

    private void authenticated(String failure) {
        authenticator = null;
        if (failure == null) {
            ready();
            return;
        }
        closeReason = "mongos " + node.address() + " refused the proxy's credentials: " + failure;
        log.warn(closeReason);
        lastFailure = closeReason;
        retryAfterNanos = System.nanoTime() + owner.options().reconnectBackoff().toNanos();
        failWaiting(closeReason);
        channel.close();
    }

    private void ready() {
        state = State.READY;
        MongoExchange exchange;
        while ((exchange = waiting.poll()) != null) {
            write(exchange);
        }
        channel.flush();
    }

    private void down(String reason) {
        state = State.DISCONNECTED;
        lastFailure = reason;
        retryAfterNanos = System.nanoTime() + owner.options().reconnectBackoff().toNanos();
        log.debug(reason);
        failWaiting(reason);
    }

    private void checkTimeouts() {
        long limit = owner.options().requestTimeout().toNanos();
        long now = System.nanoTime();
        for (MongoExchange exchange : inFlight.values()) {
            if (now - exchange.sentAtNanos > limit) {
                closeReason = "mongos " + node.address() + " did not reply within "
                        + owner.options().requestTimeout().toMillis() + " ms";
                channel.close();
                return;
            }
        }
    }

    private void onClosed(Channel closed) {
        if (closed != channel) {
            return;
        }
        channel = null;
        if (timeoutCheck != null) {
            timeoutCheck.cancel(false);
        }
        String reason = closeReason != null ? closeReason : "mongos " + node.address() + " closed the connection";
        closeReason = null;
        if (state != State.CLOSED) {
            state = State.DISCONNECTED;
        }
        if (!inFlight.isEmpty()) {
            log.warn("{}; failing {} messages in flight", reason, inFlight.size());
        }
        Iterator<MongoExchange> it = inFlight.values().iterator();
        while (it.hasNext()) {
            MongoExchange exchange = it.next();
            it.remove();
            fail(exchange, reason);
        }
        failWaiting(reason);
    }

    private void failWaiting(String reason) {
        MongoExchange exchange;
        while ((exchange = waiting.poll()) != null) {
            fail(exchange, reason);
        }
    }

    private void fail(MongoExchange exchange, String reason) {
        exchange.releaseFrame();
        owner.metrics().backendErrors().inc();
        if (exchange.expectsReply) {
            // HostUnreachable is one of the errors drivers retry, on a connection the proxy routes anew
            exchange.target.fail(exchange.request, reason, 6, "HostUnreachable");
        }
    }

    private void onReply(MongoFrame reply) {
        MongoExchange exchange = inFlight.get(reply.responseTo());
        if (exchange == null) {
            reply.release();
            return; // a reply to a request that timed out or was given up: nobody waits for it
        }
        ByteBuf bytes = reply.bytes();
        int start = bytes.readerIndex();
        boolean moreToCome = reply.opCode() == MongoFrame.OP_MSG
                && bytes.readableBytes() >= 20
                && (bytes.getIntLE(start + 16) & 0x2) != 0;
        if (!moreToCome) {
            inFlight.remove(reply.responseTo());
        } else {
            exchange.sentAtNanos = System.nanoTime(); // an exhaust cursor: the next batch is on its way
        }
        owner.observer().replied(exchange.request, node, bytes.nioBuffer().asReadOnlyBuffer());
        bytes.setIntLE(start + 8, exchange.clientRequestId);
        exchange.target.reply(bytes);
    }

    /** Backend messages: replies, or (while authenticating) the SCRAM conversation. */
    private final class ReplyHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof MongoFrame frame) {
                if (authenticator != null) {
                    authenticator.onReply(frame);
                } else {
                    onReply(frame);
                }
            } else if (msg instanceof MongoProtocolError error) {
                closeReason = "mongos " + node.address() + " sent something that is not a MongoDB message: "
                        + error.message();
                log.warn(closeReason);
                ctx.close();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (closeReason == null) {
                closeReason = "mongos " + node.address() + " connection failed: " + cause.getMessage();
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onClosed(ctx.channel());
            ctx.fireChannelInactive();
        }
    }
}
