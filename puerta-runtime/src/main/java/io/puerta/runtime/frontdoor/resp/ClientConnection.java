package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.puerta.runtime.backend.ReplyListener;
import io.puerta.runtime.backend.ReplyStream;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.frontdoor.Backlog;
import io.puerta.runtime.frontdoor.ClientConnectionBase;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.protocol.resp.RespProtocolError;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespWriter;
import io.puerta.runtime.transport.LoopDrains;
import io.puerta.runtime.transport.WriteCoalescer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RESP client connection: publishes its decoded requests to the request sink (with the {@link RespDispatcher},
 * which routes them on the routing stage) and writes replies back in request order.
 *
 * <p>Every request takes a {@link PendingReply} at the tail of {@link #pending} when it is read; replies complete
 * in any order, on any thread, and are written from the head only, on this channel's event loop. Reading stops
 * (autoRead off) while the sink is full ({@link Backlog}), while too many replies are outstanding, or while the client does not
 * read what it is sent; beyond the hard limit the client gets an error and is disconnected. Nothing here blocks.
 */
final class ClientConnection extends ClientConnectionBase implements ClientSession.Holder, ReplyListener {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final RequestSink sink;
    private final RespDispatcher dispatcher;
    private final Settings.Limits limits;
    private final RuntimeMetrics metrics;
    private final ClientSession session;
    private final Backlog backlog;
    /** The client's login and rights; null when the proxy has no users. */
    private final RespLogin login;

    private final RespClients clients;

    // event loop only
    private final WriteCoalescer coalescer = new WriteCoalescer();
    private final ArrayDeque<PendingReply> pending = new ArrayDeque<>();
    /** While a login is checked, the requests read after it wait here, in order, for its outcome. */
    private ArrayDeque<Object> held;

    private boolean checking;
    private int timedCount;
    /**
     * When the read in progress arrived: the clock is read once per read, not once per request (clock_gettime took
     * 3% of the CPU samples at pipeline 16, read at each request and each reply).
     */
    private long readNanos;

    private boolean readStamped;
    /** Requests accepted since the last read completed: the requests meter is marked once per read, not per request. */
    private int acceptedUnmarked;

    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private volatile int outstanding; // pending.size(), for the shutdown drain

    ClientConnection(
            Channel channel,
            RequestSink sink,
            RespDispatcher dispatcher,
            Settings.Limits limits,
            RuntimeMetrics metrics,
            Access access,
            RespClients clients) {
        super(channel, metrics.clientConnections());
        this.clients = clients;
        this.sink = sink;
        this.dispatcher = dispatcher;
        this.limits = limits;
        this.metrics = metrics;
        this.session = new ClientSession(
                id,
                channel.eventLoop(),
                metrics.dedicatedConnections(),
                limits.maxDedicatedConnections(),
                metrics.clientConnections()::getCount,
                io.puerta.runtime.transport.RemoteAddress.of(channel).hostPort(),
                io.puerta.runtime.transport.RemoteAddress.local(channel).hostPort(),
                this);
        clients.add(session);
        this.backlog = new Backlog(channel, sink, this::updateAutoRead, metrics.ringFull());
        this.login = access == null ? null : new RespLogin(access.authenticator(), access.rights(), remoteHost);
    }

    /** What logins are checked against and rights held to, when the proxy has users. */
    record Access(io.puerta.runtime.access.Authenticator authenticator, io.puerta.runtime.access.Rights rights) {}

    @Override
    public ClientSession session() {
        return session;
    }

    @Override
    public int repliesOwed() {
        return outstanding;
    }

    @Override
    protected void read(Object msg) {
        if (checking) {
            hold(msg);
            return;
        }
        if (msg instanceof RespRequest request) {
            accept(request);
        } else if (msg instanceof RespProtocolError error) {
            metrics.protocolErrors().inc();
            log.debug("client {}:{} sent a malformed request: {}", remoteHost, remotePort, error.message());
            answerAndClose(error.message());
        } else {
            throw unexpected(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readStamped = false;
        markAccepted();
        sink.endOfRead();
        updateAutoRead();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead();
        if (ctx.channel().isWritable()) {
            replyReady(); // a subscriber's stream waits for this to go on
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    protected void closed() {
        closing = true;
        backlog.discardAll();
        releaseHeld();
        releaseCompleted();
        markAccepted();
        sink.endOfRead(); // requests decoded from the last bytes of a closing connection had no read end
        session.close();
        clients.remove(session);
        sink.controlSoon(dispatcher.clientClosed(id), channel.eventLoop());
    }

    @Override
    public void stopReading() {
        channel.eventLoop().execute(this::inputShutdown);
    }

    @Override
    protected void inputShutdown() {
        closing = true;
        channel.config().setAutoRead(false);
        if (pending.isEmpty() && backlog.isEmpty() && !checking) {
            channel.close();
        }
        // otherwise drain() closes the connection once the last reply owed is written
    }

    private void accept(RespRequest request) {
        if (pending.size() >= limits.maxPendingPerClient()) {
            request.release();
            metrics.overflows().inc();
            answerAndClose(String.format(
                    "too many requests waiting for replies: %d (expected: <= %d); read replies before sending more",
                    pending.size(), limits.maxPendingPerClient()));
            return;
        }
        acceptedUnmarked++;
        PendingReply reply = new PendingReply(this, false);
        // the command's name is filled in by the routing stage, which reads it anyway: no per-request work here
        reply.readNanos = readStamp();
        reply.argCount = request.argCount();
        pending.add(reply);
        outstanding = pending.size();
        if (login != null && !screened(request, reply)) {
            return;
        }
        backlog.submit(dispatcher, request, reply);
    }

    /**
     * Marks the requests meter with the requests of a read. A meter's mark updates shared LongAdders that both I/O
     * threads hit: once per request at pipeline 16 it took 1.5% of the CPU samples.
     */
    private void markAccepted() {
        if (acceptedUnmarked > 0) {
            metrics.requests().mark(acceptedUnmarked);
            acceptedUnmarked = 0;
        }
    }

    private long readStamp() {
        if (!readStamped) {
            readNanos = System.nanoTime();
            readStamped = true;
        }
        return readNanos;
    }

    /**
     * A reply is written at {@code nowNanos} (one clock reading per drain): times it (a sample for the latency
     * histogram, every one against the slow log).
     */
    private void timed(PendingReply reply, long nowNanos) {
        if (reply.command == null) {
            return; // answered before routing: a protocol error, a login
        }
        long nanos = nowNanos - reply.readNanos;
        if (RuntimeMetrics.sampled(timedCount++)) {
            metrics.latency().update(nanos / 1000);
            metrics.commandLatency(reply.command).update(nanos / 1000);
        }
        if (metrics.slowLog().isSlow(nanos)) {
            metrics.slowLog().add(nanos, reply.command, reply.argCount, remoteHost + ":" + remotePort);
        }
    }

    /** Whether the request may go on to be routed; if not, it is answered (now, or once a login is checked). */
    private boolean screened(RespRequest request, PendingReply reply) {
        RespLogin.Verdict verdict = login.screen(request, channel.alloc());
        if (verdict instanceof RespLogin.Pass) {
            return true;
        }
        request.release();
        if (verdict instanceof RespLogin.Answer answer) {
            reply.fail(answer.error());
        } else if (verdict instanceof RespLogin.Check check) {
            checking = true;
            channel.config().setAutoRead(false);
            check.outcome().whenComplete((outcome, error) -> {
                Runnable finish = () -> loginChecked(outcome, error, reply, check.then());
                long delay = outcome == null ? 0 : outcome.delayMillis();
                try {
                    if (delay > 0) {
                        // a failure beyond the free ones: answered later, to slow guessing
                        channel.eventLoop().schedule(finish, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } else {
                        channel.eventLoop().execute(finish);
                    }
                } catch (RejectedExecutionException e) {
                    if (check.then() != null) {
                        check.then().release(); // the event loop is gone, and the client with it
                    }
                }
            });
        }
        return false;
    }

    /** A login's outcome, on the event loop: answer it, then go on with the requests that waited for it. */
    private void loginChecked(
            io.puerta.runtime.access.Authenticator.Outcome outcome,
            Throwable error,
            PendingReply reply,
            RespRequest then) {
        checking = false;
        if (!channel.isActive()) {
            // the client left while its password was checked: nothing more to run for it
            if (then != null) {
                then.release();
            }
            releaseHeld();
            releaseCompleted();
            return;
        }
        if (outcome != null && outcome.user() != null) {
            login.loggedIn(outcome.user());
            session.user = outcome.user().name(); // for CLIENT LIST and CLIENT KILL USER
            if (then != null) {
                backlog.submit(dispatcher, then, reply);
            } else {
                reply.complete(RespWriter.status(channel.alloc(), "OK"));
            }
        } else {
            if (then != null) {
                then.release();
            }
            reply.fail(outcome != null ? outcome.error() : "ERR the login could not be checked: " + error);
        }
        Object next;
        while (!checking && held != null && (next = held.poll()) != null) {
            read(next);
        }
        readStamped = false;
        updateAutoRead();
    }

    private void hold(Object msg) {
        if (held == null) {
            held = new ArrayDeque<>();
        }
        if (held.size() >= limits.maxPendingPerClient()) {
            if (msg instanceof RespRequest request) {
                request.release();
            }
            releaseHeld();
            checking = false; // the close goes after the replies owed, the login's among them
            metrics.overflows().inc();
            answerAndClose("too many requests sent while a login was checked (expected: <= "
                    + limits.maxPendingPerClient() + ")");
            return;
        }
        held.add(msg);
    }

    private void releaseHeld() {
        if (held != null) {
            Object msg;
            while ((msg = held.poll()) != null) {
                if (msg instanceof RespRequest request) {
                    request.release();
                }
            }
        }
    }

    private void answerAndClose(String message) {
        closing = true;
        channel.config().setAutoRead(false);
        PendingReply reply = new PendingReply(this, true);
        pending.add(reply);
        outstanding = pending.size();
        reply.fail(message);
    }

    @Override
    public void replyReady() {
        // read first: sixteen replies ready in one backend read would otherwise make fifteen CASes that fail
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            try {
                LoopDrains.runSoon(channel.eventLoop(), drainTask);
            } catch (RejectedExecutionException e) {
                // The event loop is gone (shutdown) and the channel with it: nobody will write this reply.
                log.debug("client {}:{} event loop terminated; dropping replies", remoteHost, remotePort);
            }
        }
    }

    /** Writes every reply that is ready, from the head, in request order, with one flush. */
    private void drain() {
        drainScheduled.set(false);
        if (!channel.isActive()) {
            releaseCompleted();
            return;
        }
        boolean wrote = false;
        long now = System.nanoTime();
        PendingReply head;
        while ((head = pending.peek()) != null) {
            if (head.stream() != null) {
                coalescer.writeOut(channel);
                drainStream(head.stream());
                return;
            }
            ByteBuf reply = head.takeReply();
            if (reply == null) {
                break;
            }
            pending.poll();
            if (head.closeAfter()) {
                // a protocol error's answer (never routed, so never silenced), then the end
                timed(head, now);
                coalescer.writeOut(channel);
                channel.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
                outstanding = pending.size();
                return;
            }
            reply = toWrite(head, reply, now);
            if (reply != null) {
                coalescer.add(channel, reply);
                wrote = true;
            }
        }
        outstanding = pending.size();
        if (wrote) {
            coalescer.writeOut(channel);
            channel.flush();
        }
        if (closing && pending.isEmpty() && backlog.isEmpty() && !checking) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        updateAutoRead();
    }

    /**
     * A subscriber: the stream at the head carries every reply from now on, in the backend's order. Requests read
     * after it are answered through it too, so their own places (completed empty) are dropped.
     */
    private void drainStream(ReplyStream stream) {
        boolean wrote = false;
        ByteBuf frame;
        while (channel.isWritable() && (frame = stream.poll()) != null) {
            channel.write(frame, channel.voidPromise());
            wrote = true;
        }
        Iterator<PendingReply> it = pending.iterator();
        it.next(); // the stream itself
        while (it.hasNext()) {
            PendingReply follower = it.next();
            if (!follower.relayed && !follower.closeAfter()) {
                if (!stream.outOfBand()) {
                    break; // routed after the client left subscriber mode: written once the stream has ended
                }
                // a RESP3 subscriber's other command: its reply goes between the pushes, in request order
                ByteBuf reply = follower.takeReply();
                if (reply == null) {
                    break;
                }
                it.remove();
                reply = toWrite(follower, reply, System.nanoTime());
                if (reply != null) {
                    channel.write(reply, channel.voidPromise());
                    wrote = true;
                }
                continue;
            }
            ByteBuf empty = follower.takeReply();
            if (empty == null) {
                continue;
            }
            it.remove();
            if (follower.closeAfter()) {
                // a protocol error from the client: its answer, then the end
                channel.writeAndFlush(empty).addListener(ChannelFutureListener.CLOSE);
                outstanding = pending.size();
                return;
            }
            empty.release();
        }
        outstanding = pending.size();
        if (stream.leftAndDrained()) {
            // the client unsubscribed from everything (or reset): ordinary replies follow, in order
            pending.poll();
            outstanding = pending.size();
            if (wrote) {
                channel.flush();
            }
            drain();
            return;
        }
        if (stream.finished()) {
            closing = true;
            String reason = stream.endReason();
            ByteBuf last = reason == null ? Unpooled.EMPTY_BUFFER : RespWriter.error(channel.alloc(), reason);
            channel.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (wrote) {
            channel.flush();
        }
        updateAutoRead();
    }

    /**
     * A completed reply taken from its place, timed: the reply to write, or null when the client asked for no
     * replies (CLIENT REPLY OFF or SKIP), the reply then released.
     */
    private ByteBuf toWrite(PendingReply done, ByteBuf reply, long nowNanos) {
        timed(done, nowNanos);
        if (done.silent) {
            reply.release();
            return null;
        }
        return reply;
    }

    private void releaseCompleted() {
        Iterator<PendingReply> it = pending.iterator();
        while (it.hasNext()) {
            PendingReply reply = it.next();
            if (reply.stream() != null) {
                reply.stream().close();
            }
            if (reply.isComplete()) {
                ByteBuf bytes = reply.takeReply();
                if (bytes != null) {
                    bytes.release();
                }
                it.remove();
            }
        }
        outstanding = pending.size();
    }

    private void updateAutoRead() {
        boolean read = !closing
                && !checking
                && backlog.isEmpty()
                && pending.size() < limits.pauseReadingAt()
                && channel.isWritable();
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }
}
