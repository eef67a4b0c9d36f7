package io.puerta.runtime.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.puerta.runtime.config.Settings;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to one backend that carries many requests and reconnects on demand: what every backend protocol
 * shares. It connects when a request arrives, queues requests (bounded) while connecting or while the protocol
 * prepares the connection (a greeting, an authentication), fails them at once with the last failure while a
 * reconnect backoff runs, closes a connection whose oldest request waits longer than the request timeout, and
 * fails whatever is in flight or queued when the connection goes. How requests are written and how replies are
 * matched to them (RESP in order, MongoDB by responseTo) is the subclass's.
 *
 * <p>Threads: {@link #loop} owns the channel, the state and every queue; only {@link #execute} and {@link #close}
 * may be called from other threads.
 *
 * @param <E> one request on its way: what the subclass writes and later answers
 */
public abstract class ReconnectingConnection<E> {

    private static final Logger log = LoggerFactory.getLogger(ReconnectingConnection.class);

    private enum State {
        DISCONNECTED,
        CONNECTING,
        PREPARING,
        READY,
        CLOSED
    }

    /** What the backend is, for messages: {@code backend 127.0.0.1:6379}. */
    protected final String name;

    protected final EventLoop loop;
    protected final Settings.BackendOptions options;
    private final InetSocketAddress socketAddress;
    private final Function<EventLoop, Bootstrap> bootstrap;
    private final BackendTls tls;
    private final boolean timesOut;

    // event loop only
    private State state = State.DISCONNECTED;
    private Channel channel;
    private final ArrayDeque<E> waiting = new ArrayDeque<>();
    private long sent; // event loop only; read racily by sentSoFar()
    private long retryAfterNanos;
    private String lastFailure;
    private String closeReason;
    private boolean reportedDown;
    private ScheduledFuture<?> timeoutCheck;
    private long lastStallReport = System.nanoTime() - STALL_REPORT_NANOS;

    /** How long a request may wait for its reply before the backend counts as possibly stalled. */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private static final long STALL_REPORT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * @param kind what the backend is called in messages ("backend", "mongos")
     * @param tls TLS to the backend, or null for plain TCP
     * @param timesOut whether requests time out (not on a client's own connection, where blocking commands wait)
     */
    protected ReconnectingConnection(
            String kind,
            String host,
            int port,
            EventLoop loop,
            Function<EventLoop, Bootstrap> bootstrap,
            BackendTls tls,
            Settings.BackendOptions options,
            boolean timesOut) {
        this.name = kind + " " + host + ":" + port;
        // Resolved here, at creation, so that no name lookup ever blocks the event loop.
        this.socketAddress = new InetSocketAddress(host, port);
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.tls = tls;
        this.options = options;
        this.timesOut = timesOut;
    }

    // ---- what a protocol supplies

    /** Adds the protocol's decoder and a {@link Replies} handler to a new channel. */
    protected abstract void initChannel(Channel channel);

    /** Flushes what {@link #write} wrote; a connection that gathers its writes writes them out first. */
    protected void flushWrites(Channel channel) {
        channel.flush();
    }

    /** Writes one request (until {@link #flushWrites}) and remembers it as in flight if it expects a reply. */
    protected abstract void write(Channel channel, E request, long nowNanos);

    /** Answers a request that will never be sent or answered with an error naming {@code reason}; releases it. */
    protected abstract void fail(E request, String reason);

    /**
     * A request could not be sent (the connection was refused, or closed before it was ready): it never reached the
     * backend, so it may be routed again. The default fails it.
     */
    protected void notSent(E request, String reason) {
        fail(request, reason);
    }

    /** Fails every request in flight (the connection is gone) and forgets them. */
    protected abstract void failInFlight(String reason);

    /** How many requests are in flight. */
    protected abstract int inFlight();

    /**
     * Requests sent since the start, read from any thread for operators (requests per second per backend): written
     * on the event loop only, read racily (no volatile on the hot path), so a reader may see a slightly older count.
     */
    public final long sentSoFar() {
        return sent;
    }

    /**
     * Requests written and not yet answered, read from any thread for operators: racy by design (no lock or
     * volatile on the hot path), so approximate, never out of range.
     */
    public final int inFlightNow() {
        return Math.max(0, inFlight());
    }

    /** When the oldest request in flight was sent ({@link System#nanoTime}), or {@link Long#MAX_VALUE} for none. */
    protected abstract long oldestSentAtNanos();

    /**
     * Prepares a new connection before requests go out (a greeting, an authentication), then calls {@link #ready}
     * or {@link #prepareFailed}. The default is ready at once.
     */
    protected void prepare(Channel channel) {
        ready();
    }

    /** Told that the connection closed, before its requests fail (a subscriber's stream ends here). */
    protected void closing(String reason) {}

    // ---- any thread

    /** Runs {@code task} on the connection's loop; false when the loop is gone (the proxy is shutting down). */
    protected final boolean execute(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** The event loop that owns this connection. */
    public final EventLoop loop() {
        return loop;
    }

    /** Closes the connection for good (shutdown, or its client left); requests still waiting get an error. */
    public final void close(String reason) {
        execute(() -> {
            state = State.CLOSED;
            failWaiting(reason, false);
            if (channel != null) {
                closeReason = reason;
                channel.close();
            }
        });
    }

    // ---- event loop

    /** Sends requests: now when connected (one flush), after connecting otherwise, or fails them. */
    protected final void send(List<E> requests) {
        switch (state) {
            case READY -> {
                long now = System.nanoTime();
                for (E request : requests) {
                    write(channel, request, now);
                }
                sent += requests.size();
                flushWrites(channel);
            }
            case CONNECTING, PREPARING -> queue(requests);
            case DISCONNECTED -> {
                if (System.nanoTime() - retryAfterNanos < 0) {
                    for (E request : requests) {
                        notSent(request, lastFailure);
                    }
                } else {
                    queue(requests);
                    connect();
                }
            }
            case CLOSED -> {
                for (E request : requests) {
                    fail(request, "proxy is shutting down");
                }
            }
        }
    }

    /** The connection is prepared: what waited goes out, with one flush. */
    protected final void ready() {
        state = State.READY;
        long now = System.nanoTime();
        E request;
        while ((request = waiting.poll()) != null) {
            write(channel, request, now);
            sent++;
        }
        flushWrites(channel);
    }

    /** The connection could not be prepared: it closes, and requests fail with {@code reason} until the backoff ends. */
    protected final void prepareFailed(String reason) {
        log.warn(reason);
        closeReason = reason;
        lastFailure = reason;
        retryAfterNanos = System.nanoTime() + options.reconnectBackoff().toNanos();
        failWaiting(reason, false);
        channel.close();
    }

    /** Closes the connection because of something it received; requests in flight fail with {@code reason}. */
    protected final void closeBecause(String reason) {
        closeReason = reason;
        if (channel != null) {
            channel.close();
        }
    }

    /** The current connection, or null while there is none. */
    protected final Channel channel() {
        return channel;
    }

    private void queue(List<E> requests) {
        for (E request : requests) {
            if (waiting.size() >= options.maxQueuedWhileConnecting()) {
                fail(
                        request,
                        name + " is connecting and already has " + options.maxQueuedWhileConnecting()
                                + " requests waiting");
            } else {
                waiting.add(request);
            }
        }
    }

    /**
     * A connection attempt failed (event loop): evidence the backend is down, before any health check says so
     * (passive health; see {@link BackendNode#passiveDown}).
     */
    protected void connectFailed(String reason) {}

    /**
     * The oldest request in flight has waited longer than {@link #STALL_NANOS} (event loop): the backend may have
     * stalled. Told again every second while it lasts.
     */
    protected void stalled(String reason) {}

    /** A connection attempt begins (event loop): for counting connects and reconnects. */
    protected void connecting() {}

    private void connect() {
        state = State.CONNECTING;
        connecting();
        ChannelFuture future = bootstrap
                .apply(loop)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline()
                                    .addLast(
                                            "tls",
                                            tls.newHandler(
                                                    ch.alloc(),
                                                    socketAddress.getHostString(),
                                                    socketAddress.getPort()));
                        }
                        ReconnectingConnection.this.initChannel(ch);
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
            lastFailure = name + " unavailable: " + (cause == null ? "connect failed" : cause.getMessage());
            retryAfterNanos = System.nanoTime() + options.reconnectBackoff().toNanos();
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
            connectFailed(lastFailure);
            failWaiting(lastFailure, true);
            return;
        }
        channel = future.channel();
        state = State.PREPARING;
        if (reportedDown) {
            reportedDown = false;
            log.info("{} is reachable again", name);
        }
        if (timesOut) {
            long timeout = options.requestTimeout().toNanos();
            long period = Math.max(
                    TimeUnit.MILLISECONDS.toNanos(10), Math.min(timeout / 4, TimeUnit.MILLISECONDS.toNanos(250)));
            timeoutCheck = loop.scheduleAtFixedRate(this::checkTimeouts, period, period, TimeUnit.NANOSECONDS);
        }
        prepare(channel);
    }

    /** A backend that stops answering costs its clients one timeout, not a hang. */
    private void checkTimeouts() {
        if (channel == null) {
            return;
        }
        long now = System.nanoTime();
        long waited = now - oldestSentAtNanos();
        if (waited > options.requestTimeout().toNanos()) {
            closeBecause(
                    name + " did not reply within " + options.requestTimeout().toMillis() + " ms");
        } else if (waited > STALL_NANOS && now - lastStallReport > STALL_REPORT_NANOS) {
            lastStallReport = now;
            stalled(name + " has left a request unanswered for " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms");
        }
    }

    /** Closes the current connection, if any: what is in flight fails with {@code reason}; the next request reconnects. */
    public final void reset(String reason) {
        execute(() -> closeBecause(reason));
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
        String reason = closeReason != null ? closeReason : name + " closed the connection";
        closeReason = null;
        closing(reason);
        if (inFlight() > 0) {
            log.warn("{}; failing {} requests in flight", reason, inFlight());
        }
        failInFlight(reason);
        failWaiting(reason, state != State.CLOSED);
    }

    /** @param unsent whether they may be routed again (they never reached the backend and the proxy goes on) */
    private void failWaiting(String reason, boolean unsent) {
        E request;
        while ((request = waiting.poll()) != null) {
            if (unsent) {
                notSent(request, reason);
            } else {
                fail(request, reason);
            }
        }
    }

    /** The base of each protocol's reply handler: a failed or closed channel ends the connection. */
    protected abstract class Replies extends ChannelInboundHandlerAdapter {

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (closeReason == null) {
                closeReason = name + " connection failed: " + cause.getMessage();
            }
            log.debug("{} connection failed", name, cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onClosed(ctx.channel());
            ctx.fireChannelInactive();
        }
    }
}
