package io.puerta.runtime.frontdoor.mongo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import io.puerta.runtime.access.Authenticator;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.mongo.MongoExchange;
import io.puerta.runtime.frontdoor.Backlog;
import io.puerta.runtime.frontdoor.ClientConnectionBase;
import io.puerta.runtime.frontdoor.QuietWarning;
import io.puerta.runtime.pipeline.StageHandler;
import io.puerta.runtime.protocol.mongo.BsonScan;
import io.puerta.runtime.protocol.mongo.MessageCheck;
import io.puerta.runtime.protocol.mongo.MongoFrame;
import io.puerta.runtime.protocol.mongo.MongoFrameDecoder;
import io.puerta.runtime.protocol.mongo.MongoProtocolError;
import io.puerta.runtime.protocol.mongo.MongoReplies;
import io.puerta.runtime.protocol.mongo.MongoRequest;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MongoDB client connection. Per connection (socket-addr, fingerprint): the first message is routed, then the
 * connection is spliced to its mongos and every byte goes both ways unchanged (authentication and compression
 * included), on this connection's own event loop. Per message (session-id): each message is routed, replies come
 * back through {@link #reply} in any order. Malformed input closes the connection with one log line.
 *
 * <p>Replies owed are counted in both modes (a spliced connection's replies are framed on their way back), so that
 * graceful shutdown drains MongoDB clients as it drains RESP ones.
 */
final class MongoClientHandler extends ClientConnectionBase implements MongoExchange.Target {

    private static final Logger log = LoggerFactory.getLogger(MongoClientHandler.class);
    /** A flood of malformed connections is a few lines, not one per connection. */
    private static final QuietWarning MALFORMED = new QuietWarning(log);

    private static final int MAX_EARLY_MESSAGES = 64;

    private enum Mode {
        FIRST,
        ROUTING,
        SPLICED,
        PER_MESSAGE
    }

    private final MongoRouting routing;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Backlog backlog;
    /** The client's login to the proxy (per message, with users); null otherwise. */
    private final MongoLogin login;

    // event loop only
    private volatile Mode mode = Mode.FIRST; // written on the event loop; the drain reads it too
    private final ArrayDeque<MongoFrame> early = new ArrayDeque<>();
    private volatile boolean draining; // read by replies from mongos I/O threads (per message)
    private Channel backend;
    private BackendNode splicedTo;
    private volatile String identity;

    MongoClientHandler(Channel channel, MongoRouting routing, Authenticator authenticator) {
        super(channel, routing.metrics().clientConnections());
        this.routing = routing;
        this.login = routing.perMessage() && authenticator != null && authenticator.required()
                ? new MongoLogin(authenticator, remoteHost)
                : null;
        this.backlog = new Backlog(
                channel, routing.sink(), this::updateAutoRead, routing.metrics().ringFull());
    }

    void identity(String identity) {
        this.identity = identity;
    }

    @Override
    protected void read(Object msg) {
        if (msg instanceof MongoProtocolError error) {
            malformed(error.message());
            return;
        }
        if (!(msg instanceof MongoFrame frame)) {
            throw unexpected(msg);
        }
        routing.metrics().requests().mark();
        switch (mode) {
            case SPLICED -> {
                if (frame.expectsReply()) {
                    outstanding.incrementAndGet();
                }
                backend.write(frame.bytes(), backend.voidPromise());
            }
            case ROUTING -> {
                if (early.size() >= MAX_EARLY_MESSAGES) {
                    frame.release();
                    malformed("more than " + MAX_EARLY_MESSAGES + " messages before the first was answered");
                } else {
                    early.add(frame);
                }
            }
            case FIRST -> first(frame);
            case PER_MESSAGE -> message(frame);
        }
    }

    private void first(MongoFrame frame) {
        if (routing.perMessage() && refusedOnSharedConnections(frame)) {
            return;
        }
        MongoRequest request = parse(frame);
        if (request == null) {
            return;
        }
        if (routing.perMessage()) {
            mode = Mode.PER_MESSAGE;
            if (!answeredByLogin(request)) {
                submit(routing.messages, request, true);
            }
            return;
        }
        mode = Mode.ROUTING;
        channel.config().setAutoRead(false); // until the connection has its mongos
        submit(routing.connections, request, false);
    }

    private void message(MongoFrame frame) {
        if (refusedOnSharedConnections(frame)) {
            return;
        }
        MongoRequest request = parse(frame);
        if (request != null && !answeredByLogin(request)) {
            submit(routing.messages, request, true);
        }
    }

    /** Whether the proxy answered the message itself: a login, or a command before one. */
    private boolean answeredByLogin(MongoRequest request) {
        if (login == null) {
            return false;
        }
        MongoLogin.Verdict verdict;
        try {
            verdict = login.screen(request, channel.alloc());
        } catch (BsonScan.MalformedBsonException e) {
            request.release();
            malformed(e.getMessage());
            return true;
        }
        if (verdict.reply() == null) {
            return false;
        }
        request.release();
        outstanding.incrementAndGet();
        if (verdict.delayMillis() > 0) {
            // a failed login, answered later and later to slow guessing; the client's other messages go on
            channel.eventLoop().schedule(() -> reply(verdict.reply()), verdict.delayMillis(), TimeUnit.MILLISECONDS);
        } else {
            reply(verdict.reply());
        }
        return true;
    }

    /**
     * Per message, every client's messages share the proxy's mongos connections, so only what drivers send may go
     * there: OP_MSG, and OP_QUERY (the legacy handshake). An OP_REPLY (which only servers send) or an OP_COMPRESSED
     * (the proxy's own hello offers no compression) would make the mongos close the shared connection under every
     * other client's cursors: it ends this client's connection alone. So does an OP_MSG or OP_QUERY that does not
     * hold together ({@link MessageCheck}).
     */
    private boolean refusedOnSharedConnections(MongoFrame frame) {
        int opCode = frame.opCode();
        if (opCode == MongoFrame.OP_MSG || opCode == MongoFrame.OP_QUERY) {
            // and whole: a message the mongos cannot read costs the shared connection (found by the fault suite)
            try {
                MessageCheck.check(frame.bytes(), opCode);
                return false;
            } catch (BsonScan.MalformedBsonException e) {
                frame.release();
                malformed(e.getMessage());
                return true;
            }
        }
        frame.release();
        malformed("opCode " + opCode + " is not accepted per message (only OP_MSG and OP_QUERY; the proxy offers no"
                + " compression)");
        return true;
    }

    private MongoRequest parse(MongoFrame frame) {
        try {
            return MongoRequest.parse(this, frame);
        } catch (BsonScan.MalformedBsonException e) {
            malformed(e.getMessage());
            return null;
        }
    }

    private void submit(StageHandler<MongoRequest, MongoClientHandler> handler, MongoRequest request, boolean counted) {
        if (counted && !request.moreToCome()) {
            outstanding.incrementAndGet();
        }
        backlog.submit(handler, request, this);
        updateAutoRead();
    }

    private void updateAutoRead() {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(this::updateAutoRead);
            return;
        }
        boolean read;
        if (mode == Mode.ROUTING || closing || draining) {
            read = false;
        } else if (mode == Mode.SPLICED) {
            read = backend.isWritable();
        } else {
            read = backlog.isEmpty()
                    && outstanding.get() < routing.settings().limits().pauseReadingAt()
                    && channel.isWritable();
        }
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    // ---- per message: replies from backend event loops

    @Override
    public void reply(ByteBuf message) {
        boolean last = !MongoFrame.moreToCome(message);
        channel.writeAndFlush(message, channel.voidPromise());
        if (last) {
            replied();
        }
    }

    /** One reply owed was written (any thread). */
    private void replied() {
        int owed = outstanding.decrementAndGet();
        if (draining && owed <= 0) {
            closeWhenWritten();
        } else if (owed < routing.settings().limits().pauseReadingAt()
                && !channel.config().isAutoRead()) {
            updateAutoRead();
        }
    }

    // ---- the listener's handle

    @Override
    public void stopReading() {
        channel.eventLoop().execute(this::inputShutdown);
    }

    @Override
    protected void inputShutdown() {
        draining = true;
        channel.config().setAutoRead(false);
        if (outstanding.get() <= 0 && mode != Mode.ROUTING) {
            closeWhenWritten();
        }
    }

    @Override
    public int repliesOwed() {
        return Math.max(0, outstanding.get()) + (mode == Mode.ROUTING ? 1 : 0);
    }

    private void closeWhenWritten() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void fail(MongoRequest request, String message, int code, String codeName) {
        reply(MongoReplies.error(
                ByteBufAllocator.DEFAULT, request.opCode(), request.requestId(), message, code, codeName));
    }

    // ---- per connection: the splice

    /** Routing stage: the connection goes to {@code node}; connect there on this connection's loop. */
    void spliceTo(BackendNode node, MongoRequest first) {
        try {
            channel.eventLoop().execute(() -> connect(node, first));
        } catch (RejectedExecutionException e) {
            first.release();
        }
    }

    /** Routing stage: the router answered the first message itself (or refused it, then the connection ends). */
    void answered(MongoRequest first, ByteBuf reply, boolean thenClose) {
        first.release();
        try {
            channel.eventLoop().execute(() -> {
                if (thenClose) {
                    closing = true;
                    releaseEarly();
                    channel.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                channel.writeAndFlush(reply, channel.voidPromise());
                mode = Mode.FIRST;
                MongoFrame next;
                while (mode == Mode.FIRST && (next = early.poll()) != null) {
                    first(next);
                }
                while ((next = early.poll()) != null) {
                    channelRead(null, next);
                }
                updateAutoRead();
            });
        } catch (RejectedExecutionException e) {
            reply.release();
        }
    }

    private void connect(BackendNode node, MongoRequest first) {
        if (!channel.isActive()) {
            first.release();
            return;
        }
        ChannelFuture future = routing.bootstrap(channel.eventLoop())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (routing.backendTls() != null) {
                            ch.pipeline()
                                    .addLast(
                                            "tls",
                                            routing.backendTls().newHandler(ch.alloc(), node.host(), node.port()));
                        }
                        // framed (slices, no copy) so that replies owed can be counted for a graceful shutdown
                        ch.pipeline().addLast("frames", new MongoFrameDecoder(routing.maxReplyBytes()));
                        ch.pipeline().addLast("relay", new BackendRelay());
                    }
                })
                .connect(new InetSocketAddress(node.host(), node.port()));
        future.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                String reason = "HostUnreachable: mongos " + node.address() + " unavailable: "
                        + (f.cause() == null ? "connect failed" : f.cause().getMessage());
                routing.metrics().backendErrors().inc();
                node.passiveDown(reason); // the next client's first message goes to a mongos that answers
                closing = true;
                releaseEarly();
                channel.writeAndFlush(MongoRouting.error(first, reason)).addListener(ChannelFutureListener.CLOSE);
                first.release();
                return;
            }
            backend = f.channel();
            if (!channel.isActive()) {
                first.release();
                backend.close();
                return;
            }
            splicedTo = node;
            node.attach(backend);
            routing.splicedCount().incrementAndGet();
            if (!first.moreToCome()) {
                outstanding.incrementAndGet();
            }
            backend.write(first.takeFrame(), backend.voidPromise());
            MongoFrame frame;
            while ((frame = early.poll()) != null) {
                if (frame.expectsReply()) {
                    outstanding.incrementAndGet();
                }
                backend.write(frame.bytes(), backend.voidPromise());
            }
            backend.flush();
            mode = Mode.SPLICED;
            if (draining && outstanding.get() <= 0) {
                closeWhenWritten();
            }
            updateAutoRead();
        });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (mode == Mode.SPLICED) {
            backend.flush();
        }
        updateAutoRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (mode == Mode.SPLICED && channel.isWritable()) {
            backend.config().setAutoRead(true); // the client caught up with what the mongos sent
        }
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void closed() {
        closing = true;
        releaseEarly();
        backlog.discardAll();
        if (backend != null) {
            backend.close();
        }
        routing.announceClosed(id, channel.eventLoop());
    }

    private void malformed(String why) {
        routing.metrics().protocolErrors().inc();
        MALFORMED.warn("client " + remoteHost + ":" + remotePort + " sent a malformed MongoDB message (" + why
                + "); closing its connection");
        closing = true;
        releaseEarly();
        channel.close();
    }

    private void releaseEarly() {
        MongoFrame frame;
        while ((frame = early.poll()) != null) {
            frame.release();
        }
    }

    /** The mongos side of a splice: bytes to the client unchanged, with back-pressure both ways. */
    private final class BackendRelay extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof MongoFrame frame) {
                boolean last = !MongoFrame.moreToCome(frame.bytes());
                channel.write(frame.bytes(), channel.voidPromise());
                if (last) {
                    replied();
                }
            } else if (msg instanceof MongoProtocolError error) {
                log.debug(
                        "mongos of client {}:{} sent a malformed message: {}", remoteHost, remotePort, error.message());
                ctx.close();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            channel.flush();
            if (!channel.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            updateAutoRead();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            routing.splicedCount().decrementAndGet();
            if (splicedTo != null) {
                splicedTo.detach(ctx.channel());
            }
            // the mongos went away (or was marked down): the client sees its connection close, as it would
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("mongos connection of client {}:{} failed: {}", remoteHost, remotePort, cause.getMessage());
            ctx.close();
        }
    }

    @Override
    public String toString() {
        return "mongo client " + remoteHost + ":" + remotePort + (identity == null ? "" : " (" + identity + ")");
    }
}
