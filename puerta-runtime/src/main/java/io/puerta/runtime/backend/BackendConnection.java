package io.puerta.runtime.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.protocol.resp.ConnectionSetup;
import io.puerta.runtime.protocol.resp.RespReplyDecoder;
import io.puerta.runtime.protocol.resp.RespWriter;
import io.puerta.runtime.transport.WriteCoalescer;
import io.puerta.spi.backend.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipelined RESP connection to a backend. The routing stage stages requests here and, once per batch, hands the
 * whole batch to the connection's event loop, which writes it with a single flush. Replies come back in request
 * order (RESP has no request ids), so each is matched to the oldest in-flight slot. Connecting, queueing, timeouts
 * and failures are {@link ReconnectingConnection}'s.
 *
 * <p>Threads: {@link #stage}, {@link #flush} and {@link #detachBatch} run on the routing stage; {@link #sendBatch} on
 * any thread; everything else on the event loop.
 */
public final class BackendConnection extends ReconnectingConnection<ReplySlot> {

    private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

    private final BackendConnector connector;
    private final RuntimeMetrics metrics;
    private final boolean dedicated;
    private final String host;
    private final int port;
    private final Credentials credentials;
    private final ConnectionSetup setup;
    private final Runnable resumeReading = this::resumeReading;

    // routing stage only
    private ArrayList<ReplySlot> staged = new ArrayList<>();
    // batches handed to the event loop as tasks and not sent yet; while any waits, later ones queue behind it
    private final java.util.concurrent.atomic.AtomicInteger handedOver =
            new java.util.concurrent.atomic.AtomicInteger();

    // event loop only
    private final ArrayDeque<ReplySlot> inFlight = new ArrayDeque<>();
    // A batch's small requests are copied into one buffer and written once, as the clients' replies are: a 10-slot
    // MSET in cluster mode sends ten parts of a few dozen bytes, each a pass down the pipeline and an entry in the
    // outbound buffer when written alone (MSET at pipeline 16, side by side: 64,500 -> 68,800 MSETs/s)
    private final WriteCoalescer writes = new WriteCoalescer();
    private ReplyStream stream; // set once a subscriber's connection starts relaying
    private boolean greetingFailureLogged;

    private final com.codahale.metrics.Histogram latency;
    private int repliesSeen; // event loop only

    BackendConnection(
            String host,
            int port,
            EventLoop loop,
            BackendConnector connector,
            Settings.BackendOptions options,
            RuntimeMetrics metrics,
            Credentials credentials,
            ConnectionSetup setup,
            boolean dedicated) {
        super("backend", host, port, loop, connector::bootstrap, connector.tls(), options, !dedicated);
        this.setup = setup;
        this.connector = connector;
        this.metrics = metrics;
        this.credentials = credentials;
        this.latency = metrics.backendLatency(host + ":" + port);
        this.dedicated = dedicated;
        this.host = host;
        this.port = port;
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
        sendBatch(detachBatch());
    }

    /**
     * Takes the current batch, leaving none staged; null when none is. Routing stage only: with
     * {@link #sendBatch}, the {@code ring-per-loop} pipeline takes batches while it holds the routing lock and sends
     * them after releasing it.
     */
    public List<ReplySlot> detachBatch() {
        if (staged.isEmpty()) {
            return null;
        }
        ArrayList<ReplySlot> batch = staged;
        staged = new ArrayList<>(Math.max(16, batch.size()));
        return batch;
    }

    /**
     * Writes a detached batch with one flush: at once on the connection's own event loop (no task, no wake-up), else
     * handed to it. Any thread.
     */
    public void sendBatch(List<ReplySlot> batch) {
        if (batch == null) {
            return;
        }
        // at once only when no batch handed over earlier still waits: a client's requests reach the server in order
        if (loop().inEventLoop() && handedOver.get() == 0) {
            send(batch);
        } else {
            handOver(batch);
        }
    }

    private void handOver(List<ReplySlot> batch) {
        handedOver.incrementAndGet();
        boolean queued = execute(() -> {
            handedOver.decrementAndGet();
            send(batch);
        });
        if (!queued) {
            handedOver.decrementAndGet();
            batch.forEach(slot -> fail(slot, "proxy is shutting down"));
        }
    }

    /**
     * Sends one staged request at once, from any thread: used when a request was waiting for something else (a
     * prelude, a redirection) and is released outside the routing stage.
     */
    public void submit(ReplySlot slot) {
        handOver(List.of(slot));
    }

    @Override
    protected void initChannel(Channel channel) {
        channel.pipeline().addLast("reply-decoder", new RespReplyDecoder());
        channel.pipeline().addLast("replies", new FifoReplies());
    }

    @Override
    protected void write(Channel channel, ReplySlot slot, long nowNanos) {
        slot.markSent(nowNanos);
        if (slot.expectsReply()) {
            inFlight.add(slot);
        }
        writes.add(channel, slot.takeRequest());
    }

    /** Writes out the requests gathered since the last flush, then flushes. */
    @Override
    protected void flushWrites(Channel channel) {
        writes.writeOut(channel);
        channel.flush();
    }

    /** The setup this connection's clients share (RESP version, database). */
    public ConnectionSetup setup() {
        return setup;
    }

    /**
     * With credentials, the login goes first, then the setup (HELLO 3, SELECT n), each waited for: requests sent
     * before them would be refused or answered in the wrong protocol, and a refusal must fail them with its own
     * reason. The greeting commands (see PluginContext#greetBackendsWith) follow, pipelined with the requests: no
     * need to wait for them.
     */
    @Override
    protected void prepare(Channel channel) {
        java.util.ArrayDeque<Step> steps = new java.util.ArrayDeque<>();
        if (credentials != null) {
            // the server's words (WRONGPASS ..., NOAUTH ...) name no secret
            steps.add(new Step(credentials.authCommand(), "authentication"));
        }
        for (List<String> command : setup.commands()) {
            steps.add(new Step(command, String.join(" ", command)));
        }
        next(channel, steps);
    }

    /** A command a new connection must have done before anything else, and what to call it when refused. */
    private record Step(List<String> command, String what) {}

    private void next(Channel channel, java.util.ArrayDeque<Step> steps) {
        Step step = steps.poll();
        if (step == null) {
            greet(channel);
            return;
        }
        ReplySlot slot = new StepSlot(step, steps);
        slot.stage(RespWriter.command(io.netty.buffer.ByteBufAllocator.DEFAULT, step.command()));
        write(channel, slot, System.nanoTime());
        flushWrites(channel);
    }

    private void greet(Channel channel) {
        long now = System.nanoTime();
        for (ByteBuf command : connector.greeting()) {
            ReplySlot slot = new GreetingSlot();
            slot.stage(command);
            write(channel, slot, now);
        }
        ready();
    }

    @Override
    protected void fail(ReplySlot slot, String reason) {
        slot.releaseRequest();
        metrics.backendErrors().inc();
        slot.fail(reason);
    }

    @Override
    protected void notSent(ReplySlot slot, String reason) {
        slot.releaseRequest();
        // a held request is not an error yet: it may well be served once the backend is back or replaced
        if (!slot.notSent(reason)) {
            metrics.backendErrors().inc();
        }
    }

    @Override
    protected void failInFlight(String reason) {
        ReplySlot slot;
        while ((slot = inFlight.poll()) != null) {
            fail(slot, reason);
        }
    }

    @Override
    protected int inFlight() {
        return inFlight.size();
    }

    @Override
    protected long oldestSentAtNanos() {
        ReplySlot oldest = inFlight.peek();
        return oldest == null ? Long.MAX_VALUE : oldest.sentAtNanos();
    }

    @Override
    protected void closing(String reason) {
        writes.discard(); // requests of the closed channel: their slots fail with the rest of what was in flight
        if (stream != null) {
            stream.end(reason);
            stream = null;
        }
    }

    private void relay(ChannelHandlerContext ctx, ByteBuf frame) {
        boolean keepReading = stream.push(frame, resumeReading);
        if (stream.left()) {
            // the client unsubscribed from everything: this is an ordinary connection of the client's again
            stream = null;
            keepReading = true;
        }
        if (ctx.channel().config().isAutoRead() != keepReading) {
            ctx.channel().config().setAutoRead(keepReading); // off: the subscriber reads slower than messages come
        }
    }

    /** Called by the subscriber's stream, on any thread, once the client has caught up. */
    private void resumeReading() {
        execute(() -> {
            Channel channel = channel();
            if (channel != null) {
                channel.config().setAutoRead(true);
            }
        });
    }

    /** The reply to a step of {@link #prepare}: the connection goes on, or fails everything with the server's reason. */
    private final class StepSlot extends ReplySlot {
        private final Step step;
        private final java.util.ArrayDeque<Step> rest;

        StepSlot(Step step, java.util.ArrayDeque<Step> rest) {
            this.step = step;
            this.rest = rest;
        }

        @Override
        public void complete(ByteBuf reply) {
            try {
                Channel channel = channel();
                if (channel == null) {
                    return; // the connection closed first and this "reply" is the runtime's own error
                }
                if (reply.isReadable() && reply.getByte(reply.readerIndex()) != '-') {
                    next(channel, rest);
                } else {
                    // the command is never a secret in the message: only the step's name and the server's words
                    prepareFailed(name + " " + step.what() + " failed: "
                            + reply.toString(StandardCharsets.UTF_8).trim().replaceFirst("^-", ""));
                }
            } finally {
                reply.release();
            }
        }
    }

    /** The reply to a command every connection sends first (see PluginContext#greetBackendsWith): dropped. */
    private final class GreetingSlot extends ReplySlot {
        @Override
        public void complete(ByteBuf reply) {
            boolean refused = reply.isReadable() && reply.getByte(reply.readerIndex()) == '-';
            // no channel: the connection closed and this "reply" is the runtime's own error
            if (refused && channel() != null && !greetingFailureLogged) {
                greetingFailureLogged = true;
                log.warn(
                        "{} refused a connection greeting: {}",
                        name,
                        reply.toString(StandardCharsets.UTF_8).trim());
            }
            reply.release();
        }
    }

    /** Matches each reply to the oldest request in flight. */
    private final class FifoReplies extends Replies {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf reply = (ByteBuf) msg;
            if (stream != null) {
                // a subscriber's connection: replies to the requests it relays, and messages, all in its stream
                relay(ctx, reply);
                return;
            }
            if (reply.getByte(reply.readerIndex()) == '>' && !subscribing()) {
                // a RESP3 push nobody subscribed to on this connection (no request of ours asks for one): it
                // answers no request, so it must not be matched to one
                log.debug("{} sent a push message outside a subscription; dropped", name);
                reply.release();
                return;
            }
            ReplySlot slot = inFlight.peek();
            if (slot == null) {
                reply.release();
                String reason = name + " sent a reply nobody asked for";
                log.warn("{}; closing the connection", reason);
                closeBecause(reason);
                return;
            }
            if (slot.stream() != null) {
                // the reply to SUBSCRIBE: from here on this connection belongs to the subscriber
                inFlight.poll();
                stream = slot.stream();
                relay(ctx, reply);
                return;
            }
            if (slot.lastReplyIn()) {
                inFlight.poll(); // else a slot of several pipelined requests waits for the next reply too
            }
            if (RuntimeMetrics.sampled(repliesSeen++)) {
                latency.update((System.nanoTime() - slot.sentAtNanos()) / 1000);
            }
            slot.complete(reply);
        }
    }

    /** Whether the oldest request in flight is a SUBSCRIBE, whose RESP3 reply is itself a push. */
    private boolean subscribing() {
        ReplySlot oldest = inFlight.peek();
        return oldest != null && oldest.stream() != null;
    }

    @Override
    protected void connecting() {
        metrics.backendConnects().inc();
    }

    @Override
    protected void connectFailed(String reason) {
        connector.trouble(host, port, reason, true);
    }

    @Override
    protected void stalled(String reason) {
        connector.trouble(host, port, reason, false);
    }
}
