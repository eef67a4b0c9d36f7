package io.puerta.runtime.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.protocol.resp.RespReplyDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipelined connection to a backend. The routing stage stages requests here and, once per batch, hands the
 * whole batch to the connection's event loop, which writes it with a single flush. Replies come back in request
 * order (RESP has no request ids), so each is matched to the oldest in-flight slot.
 *
 * <p>Threads: {@link #stage} and {@link #flush} run on the routing stage; everything else on {@link #loop}, which
 * owns the channel and both queues, so none of it needs a lock.
 */
public final class BackendConnection {

    private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

    private enum State {
        DISCONNECTED,
        CONNECTING,
        CONNECTED,
        CLOSED
    }

    private final String address;
    private final InetSocketAddress socketAddress;
    private final EventLoop loop;
    private final BackendConnector connector;
    private final Settings.BackendOptions options;
    private final RuntimeMetrics metrics;
    private final long requestTimeoutNanos;
    private final long reconnectBackoffNanos;
    private final boolean dedicated;
    private final Runnable resumeReading = this::resumeReading;

    // routing stage only
    private ArrayList<ReplySlot> staged = new ArrayList<>();

    // event loop only
    private State state = State.DISCONNECTED;
    private Channel channel;
    private final ArrayDeque<ReplySlot> inFlight = new ArrayDeque<>();
    private final ArrayDeque<ReplySlot> waitingForConnect = new ArrayDeque<>();
    private long retryAfterNanos;
    private String lastFailure;
    private String closeReason;
    private boolean reportedDown;
    private ScheduledFuture<?> timeoutCheck;
    private ReplyStream stream; // set once a subscriber's connection starts relaying
    private boolean greetingFailureLogged;

    BackendConnection(
            String host,
            int port,
            EventLoop loop,
            BackendConnector connector,
            Settings.BackendOptions options,
            RuntimeMetrics metrics,
            boolean dedicated) {
        this.address = host + ":" + port;
        // Resolved here, at creation, so that no name lookup ever blocks the event loop.
        this.socketAddress = new InetSocketAddress(host, port);
        this.loop = loop;
        this.connector = connector;
        this.options = options;
        this.metrics = metrics;
        this.requestTimeoutNanos = options.requestTimeout().toNanos();
        this.reconnectBackoffNanos = options.reconnectBackoff().toNanos();
        this.dedicated = dedicated;
    }

    /** The event loop that owns this connection. */
    public EventLoop loop() {
        return loop;
    }

    /** Whether this is one client's own connection (no request timeout: blocking commands wait as asked). */
    public boolean dedicated() {
        return dedicated;
    }

    /**
     * Adds a request (already staged in its slot) to the current batch. Routing stage only.
     *
     * @return whether it is the first of the batch, so the caller remembers to {@link #flush} this connection
     */
    public boolean stage(ReplySlot slot) {
        staged.add(slot);
        return staged.size() == 1;
    }

    /** Hands the current batch to the event loop, to be written with one flush. Routing stage only. */
    public void flush() {
        if (staged.isEmpty()) {
            return;
        }
        ArrayList<ReplySlot> batch = staged;
        staged = new ArrayList<>(Math.max(16, batch.size()));
        try {
            loop.execute(() -> send(batch));
        } catch (RejectedExecutionException e) {
            failAll(batch, "proxy is shutting down");
        }
    }

    /**
     * Sends one staged request at once, from any thread: used when a request was waiting for something else (a
     * prelude) and is released outside the routing stage.
     */
    public void submit(ReplySlot slot) {
        try {
            loop.execute(() -> send(List.of(slot)));
        } catch (RejectedExecutionException e) {
            failAll(List.of(slot), "proxy is shutting down");
        }
    }

    /** Closes the connection for good (shutdown, or its client left); requests still waiting get an error. */
    public void close(String reason) {
        try {
            loop.execute(() -> {
                state = State.CLOSED;
                failAll(waitingForConnect, reason);
                if (channel != null) {
                    closeReason = reason;
                    channel.close();
                }
            });
        } catch (RejectedExecutionException e) {
            // the event loop is gone already, and with it the channel
        }
    }

    private void send(List<ReplySlot> batch) {
        switch (state) {
            case CONNECTED -> {
                long now = System.nanoTime();
                for (ReplySlot slot : batch) {
                    write(slot, now);
                }
                channel.flush();
            }
            case CONNECTING -> queueForConnect(batch);
            case DISCONNECTED -> {
                if (System.nanoTime() - retryAfterNanos < 0) {
                    failAll(batch, lastFailure);
                } else {
                    queueForConnect(batch);
                    connect();
                }
            }
            case CLOSED -> failAll(batch, "proxy is shutting down");
        }
    }

    private void write(ReplySlot slot, long now) {
        slot.markSent(now);
        if (slot.expectsReply()) {
            inFlight.add(slot);
        }
        channel.write(slot.takeRequest(), channel.voidPromise());
    }

    private void queueForConnect(List<ReplySlot> batch) {
        for (ReplySlot slot : batch) {
            if (waitingForConnect.size() >= options.maxQueuedWhileConnecting()) {
                slot.releaseRequest();
                metrics.backendErrors().inc();
                slot.fail("backend " + address + " is connecting and already has " + options.maxQueuedWhileConnecting()
                        + " requests waiting");
            } else {
                waitingForConnect.add(slot);
            }
        }
    }

    private void connect() {
        state = State.CONNECTING;
        ChannelFuture future = connector
                .bootstrap(loop)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("reply-decoder", new RespReplyDecoder());
                        ch.pipeline().addLast("replies", new ReplyHandler());
                    }
                })
                .connect(socketAddress);
        future.addListener((ChannelFuture f) -> onConnect(f));
    }

    private void onConnect(ChannelFuture future) {
        if (state == State.CLOSED) {
            future.channel().close();
            return;
        }
        if (!future.isSuccess()) {
            state = State.DISCONNECTED;
            Throwable cause = future.cause();
            lastFailure =
                    "backend " + address + " unavailable: " + (cause == null ? "connect failed" : cause.getMessage());
            retryAfterNanos = System.nanoTime() + reconnectBackoffNanos;
            // Once per outage at WARN; the retries of a backend that stays down would flood the log.
            if (!reportedDown) {
                reportedDown = true;
                log.warn(
                        "{} (retrying every {} ms while requests arrive)",
                        lastFailure,
                        options.reconnectBackoff().toMillis());
            } else {
                log.debug(lastFailure);
            }
            failAll(waitingForConnect, lastFailure);
            return;
        }
        channel = future.channel();
        state = State.CONNECTED;
        if (reportedDown) {
            reportedDown = false;
            log.info("backend {} is reachable again", address);
        }
        if (!dedicated) {
            long period = Math.max(
                    TimeUnit.MILLISECONDS.toNanos(10),
                    Math.min(requestTimeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(250)));
            timeoutCheck = loop.scheduleAtFixedRate(this::checkTimeouts, period, period, TimeUnit.NANOSECONDS);
        }
        long now = System.nanoTime();
        List<ByteBuf> greeting = connector.greeting();
        for (ByteBuf command : greeting) {
            ReplySlot slot = new GreetingSlot();
            slot.stage(command);
            write(slot, now);
        }
        ReplySlot slot;
        while ((slot = waitingForConnect.poll()) != null) {
            write(slot, now);
        }
        channel.flush();
    }

    /** A backend that stops answering costs its clients one timeout, not a hang. */
    private void checkTimeouts() {
        ReplySlot oldest = inFlight.peek();
        if (oldest != null && channel != null && System.nanoTime() - oldest.sentAtNanos() > requestTimeoutNanos) {
            closeReason = "backend " + address + " did not reply within "
                    + options.requestTimeout().toMillis() + " ms";
            channel.close(); // onClosed logs and fails what is in flight
        }
    }

    private void onClosed(Channel closed) {
        if (closed != channel) {
            return;
        }
        channel = null;
        if (timeoutCheck != null) {
            timeoutCheck.cancel(false);
            timeoutCheck = null;
        }
        if (state != State.CLOSED) {
            state = State.DISCONNECTED;
        }
        String reason = closeReason != null ? closeReason : "backend " + address + " closed the connection";
        closeReason = null;
        if (stream != null) {
            stream.end(reason);
            stream = null;
        }
        if (!inFlight.isEmpty()) {
            log.warn("{}; failing {} requests in flight", reason, inFlight.size());
        }
        failAll(inFlight, reason);
    }

    private void failAll(Iterable<ReplySlot> slots, String message) {
        for (ReplySlot slot : slots) {
            slot.releaseRequest();
            metrics.backendErrors().inc();
            slot.fail(message);
        }
        if (slots instanceof ArrayDeque<ReplySlot> queue) {
            queue.clear();
        }
    }

    private void relay(ChannelHandlerContext ctx, ByteBuf frame) {
        if (!stream.push(frame, resumeReading)) {
            ctx.channel().config().setAutoRead(false); // the subscriber reads slower than messages arrive
        }
    }

    /** Called by the subscriber's stream, on any thread, once the client has caught up. */
    private void resumeReading() {
        try {
            loop.execute(() -> {
                if (channel != null) {
                    channel.config().setAutoRead(true);
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** The reply to a command every connection sends first (see PluginContext#greetBackendsWith): dropped. */
    private final class GreetingSlot extends ReplySlot {
        @Override
        public void complete(ByteBuf reply) {
            boolean refused = reply.isReadable() && reply.getByte(reply.readerIndex()) == '-';
            // channel is null when the connection closed and this "reply" is the runtime's own error
            if (refused && channel != null && !greetingFailureLogged) {
                greetingFailureLogged = true;
                log.warn(
                        "backend {} refused a connection greeting: {}",
                        address,
                        reply.toString(java.nio.charset.StandardCharsets.UTF_8).trim());
            }
            reply.release();
        }
    }

    /** Matches each reply to the oldest request in flight. */
    private final class ReplyHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf reply = (ByteBuf) msg;
            if (stream != null && inFlight.isEmpty()) {
                relay(ctx, reply);
                return;
            }
            ReplySlot slot = inFlight.poll();
            if (slot != null && slot.stream() != null) {
                // the reply to SUBSCRIBE: from here on this connection belongs to the subscriber
                stream = slot.stream();
                relay(ctx, reply);
                return;
            }
            if (slot == null) {
                reply.release();
                closeReason = "backend " + address + " sent a reply nobody asked for";
                log.warn("{}; closing the connection", closeReason);
                ctx.close();
                return;
            }
            slot.complete(reply);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (closeReason == null) {
                closeReason = "backend " + address + " connection failed: " + cause.getMessage();
            }
            log.debug("backend {} connection failed", address, cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onClosed(ctx.channel());
            ctx.fireChannelInactive();
        }
    }
}
