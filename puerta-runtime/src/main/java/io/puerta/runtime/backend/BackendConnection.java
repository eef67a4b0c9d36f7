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
import io.puerta.runtime.pipeline.ReplySlot;
import io.puerta.runtime.pipeline.RuntimeMetrics;
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

    BackendConnection(
            String host,
            int port,
            EventLoop loop,
            BackendConnector connector,
            Settings.BackendOptions options,
            RuntimeMetrics metrics) {
        this.address = host + ":" + port;
        // Resolved here, at creation, so that no name lookup ever blocks the event loop.
        this.socketAddress = new InetSocketAddress(host, port);
        this.loop = loop;
        this.connector = connector;
        this.options = options;
        this.metrics = metrics;
        this.requestTimeoutNanos = options.requestTimeout().toNanos();
        this.reconnectBackoffNanos = options.reconnectBackoff().toNanos();
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

    /** Closes the connection for good (shutdown); requests still waiting get an error. */
    void close() {
        try {
            loop.execute(() -> {
                state = State.CLOSED;
                failAll(waitingForConnect, "proxy is shutting down");
                if (channel != null) {
                    closeReason = "proxy is shutting down";
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
        inFlight.add(slot);
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
        long period = Math.max(
                TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(requestTimeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(250)));
        timeoutCheck = loop.scheduleAtFixedRate(this::checkTimeouts, period, period, TimeUnit.NANOSECONDS);
        if (!waitingForConnect.isEmpty()) {
            long now = System.nanoTime();
            ReplySlot slot;
            while ((slot = waitingForConnect.poll()) != null) {
                write(slot, now);
            }
            channel.flush();
        }
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

    /** Matches each reply to the oldest request in flight. */
    private final class ReplyHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf reply = (ByteBuf) msg;
            ReplySlot slot = inFlight.poll();
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
