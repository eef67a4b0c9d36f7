package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.puerta.runtime.backend.BackendConnection;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.ReplySlot;
import io.puerta.runtime.backend.ReplyStream;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.pipeline.Dispatch;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.runtime.pipeline.StageHandler;
import io.puerta.runtime.protocol.resp.ConnectionSetup;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespWriter;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.routing.ConnectionUse;
import io.puerta.spi.routing.Prelude;
import io.puerta.spi.routing.Redirect;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How the routing stage serves a RESP request: asks the router where it goes and stages it on backend connections
 * (shared, or the client's own), splits it over several, follows redirections, or answers it. Routing stage only.
 */
public final class RespDispatcher implements StageHandler<RespRequest, ReplySlot> {

    /** How long a held request waits before it is routed again. */
    static final long ROUTE_AGAIN_MILLIS = 100;

    /**
     * How long a request its router answered {@code TRYAGAIN} for (a slot a fleet's move holds, for well under a
     * second) may wait and be routed again before the client gets the error: well below clients' own timeouts
     * (Jedis: 2 s), so that a client sees an error rather than a broken connection.
     */
    static final long HOLD_TRY_AGAIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** How often a request waiting on a {@code TRYAGAIN} is routed again. */
    static final long TRY_AGAIN_EVERY_MILLIS = 10;

    private final RouterGuard router;
    private final BackendRegistry backends;
    private final int maxRedirects;
    private final Consumer<Redirect> redirected;
    private final io.puerta.runtime.metrics.SlowLog slowLog;
    private final Runnable held; // a request is held for its backend (once per request)
    private final Runnable heldAndFailed; // a request held for its backend failed after all
    private final long holdUnsentNanos;
    private final RequestSink sink;
    private final Consumer<RedirectingSlot> hold = this::holdAndRouteAgain; // one, not one per request
    private final ConnectionCommands connectionCommands;
    private volatile boolean allowConfigSet;

    public RespDispatcher(RouterGuard router, BackendRegistry backends, RequestSink sink) {
        this(router, backends, sink, null, new RespClients());
    }

    /**
     * @param metrics where followed redirections are counted; null for none
     * @param clients the front door's clients, for CLIENT LIST and KILL
     */
    RespDispatcher(
            RouterGuard router,
            BackendRegistry backends,
            RequestSink sink,
            RuntimeMetrics metrics,
            RespClients clients) {
        this.router = router;
        this.connectionCommands = new ConnectionCommands(clients, router::databases, router::clientClosed);
        this.backends = backends;
        this.maxRedirects = router.maxRedirects();
        this.holdUnsentNanos = router.holdUnsent().toNanos();
        this.sink = sink;
        this.slowLog = metrics == null ? null : metrics.slowLog();
        this.held = metrics == null ? () -> {} : metrics.held()::inc;
        this.heldAndFailed = metrics == null ? () -> {} : metrics.backendErrors()::inc;
        // from a backend event loop, without waiting: when the sink is full the news is dropped, and the router
        // learns the new owner again with the next redirection or topology refresh
        this.redirected = redirect -> {
            if (metrics != null) {
                (redirect.moved() ? metrics.redirectsMoved() : metrics.redirectsAsk()).inc();
            }
            sink.tryControl(() -> router.redirected(redirect));
        };
    }

    /** Whether CONFIG SET, RESETSTAT and REWRITE reach the servers (an operator's choice); else refused. */
    void allowConfigSet(boolean allowed) {
        this.allowConfigSet = allowed;
    }

    /** Answers CLUSTER with {@code view} from now on; null: CLUSTER goes to the router. */
    void clusterView(ClusterView view) {
        connectionCommands.clusterView(view);
    }

    /** The task that tells the router a client left. */
    Runnable clientClosed(long clientId) {
        return () -> router.clientClosed(clientId);
    }

    @Override
    public void route(RespRequest request, ReplySlot reply, Dispatch dispatch) {
        boolean retried = reply instanceof PendingReply again && again.retried;
        if (retried) {
            ((PendingReply) reply).retried = false;
        }
        ClientSession session = request.client() instanceof ClientSession.Holder holder ? holder.session() : null;
        boolean held = false;
        try {
            String name = request.name();
            if (session != null
                    && !retried
                    && session.held.waiting > 0
                    && reply instanceof PendingReply pending
                    && waitBehind(session, request, pending)) {
                held = true; // an earlier request of this client waits on a TRYAGAIN: this one runs after it
                return;
            }
            if (session != null) {
                request.setup(session.setup()); // as the client's earlier requests left it (HELLO, SELECT)
                session.ran(name, reply instanceof PendingReply pending ? pending.readNanos : System.nanoTime());
                // CLIENT REPLY itself is never silenced by the mode it changes: ON answers OK even after OFF
                if (!ConnectionCommands.isClientReply(request)
                        && session.silenced()
                        && reply instanceof PendingReply pending) {
                    pending.silent = true;
                }
                if ((session.subscription() == null || !relayedWhileSubscribed(request))
                        && connectionCommands.answer(request, reply, session)) {
                    return;
                }
            }
            if (reply instanceof PendingReply pending) {
                pending.command = name; // for the latency by command and the slow log
            }
            if (name.equals("CONFIG") && !allowConfigSet && changesServerSettings(request)) {
                reply.fail("CONFIG " + request.argString(1).toUpperCase(java.util.Locale.ROOT)
                        + " is not allowed through the proxy: it would change the servers' settings for every"
                        + " client (an operator may allow it: " + RespFrontDoor.ALLOW_CONFIG_SET + " = true)");
                return;
            }
            if (slowLog != null && name.equals("SLOWLOG")) {
                // the proxy's own slow log, end to end through the proxy (the servers' own are theirs)
                reply.complete(SlowLogCommand.answer(ByteBufAllocator.DEFAULT, request, slowLog));
                return;
            }
            held = decide(request, reply, session, dispatch, retried);
        } finally {
            request.release(); // no-op when the frame went to a backend, or waits
            if (retried && !held) {
                // the client's request that waited went through (or got its error): the next one follows
                session.held.waiting--;
                if (!session.held.queue.isEmpty()) {
                    scheduleRetry(session, 0);
                }
            }
        }
    }

    /**
     * What a subscriber's connection carries: in RESP2 everything (the server allows only pub/sub commands, PING,
     * QUIT and RESET, and says so); in RESP3 the pub/sub commands, QUIT and RESET, whose answers are pushes or end
     * the subscription, while any other command is routed as anyone's, its reply written between the pushes.
     */
    private static boolean relayedWhileSubscribed(RespRequest request) {
        if (request.respVersion() != 3) {
            return true;
        }
        String name = request.name();
        return name.endsWith("SUBSCRIBE") || name.equals("QUIT") || name.equals("RESET");
    }

    private static boolean changesServerSettings(RespRequest request) {
        if (request.argCount() < 2) {
            return false;
        }
        String sub = request.argString(1).toUpperCase(java.util.Locale.ROOT);
        return sub.equals("SET") || sub.equals("RESETSTAT") || sub.equals("REWRITE");
    }

    @Override
    public void failed(RespRequest request, ReplySlot reply, Throwable cause) {
        request.release();
        reply.fail("internal error while routing: " + cause);
    }

    @Override
    public void discard(RespRequest request, ReplySlot reply) {
        request.release();
    }

    /**
     * @param session the client's, or null for a client that has none
     * @param retried whether the request waited on a TRYAGAIN before
     * @return whether the request waits to be routed again (a TRYAGAIN)
     */
    private boolean decide(
            RespRequest request, ReplySlot reply, ClientSession session, Dispatch dispatch, boolean retried) {
        if (session != null && session.subscription() != null && relayedWhileSubscribed(request)) {
            relayToSubscription(request, reply, session, dispatch);
            return false;
        }
        RouteDecision decision = router.route(request);
        if (decision instanceof RouteDecision.Fail fail
                && session != null
                && reply instanceof PendingReply pending
                && fail.message().startsWith("TRYAGAIN ")
                && waitOnTryAgain(session, request, pending, fail.message(), retried)) {
            return true;
        }
        long client = request.client().connectionId();
        if (decision instanceof RouteDecision.Forward forward) {
            if (forward.connection() == ConnectionUse.SHARED && forward.prelude() == null && maxRedirects == 0) {
                // the common case, without allocating
                reply.stage(request.takeFrame());
                dispatch.stage(
                        backends.resolve(forward.backend()).connectionFor(client, loopOf(session), request.setup()),
                        reply);
                return false;
            }
            Connections connections = connections(forward.connection(), session, client, request.setup());
            BackendNode node = backends.resolve(forward.backend());
            BackendConnection target = connections.to(node);
            if (target == null) {
                reply.fail(connections.refusal());
                return false;
            }
            if (forward.connection() == ConnectionUse.SUBSCRIPTION && session != null) {
                session.track(request); // before the frame goes: its channels are read here
            }
            reply.stage(request.takeFrame());
            if (forward.connection() == ConnectionUse.SUBSCRIPTION) {
                subscribe(target, reply, session, dispatch);
            } else {
                send(node, target, reply, forward.prelude(), connections, dispatch, request, session);
            }
        } else if (decision instanceof RouteDecision.Split split) {
            split(split, reply, session, request, dispatch);
        } else if (decision instanceof RouteDecision.Respond respond) {
            reply.complete(Unpooled.copiedBuffer(respond.reply()));
        } else if (decision instanceof RouteDecision.Fail fail) {
            reply.fail(fail.message());
        }
        return false;
    }

    /**
     * Holds a request its router answered TRYAGAIN for, to route it again shortly ({@link HeldRequests}); false
     * when it cannot wait (an inline command, which cannot be read again, or one that waited long enough): then it
     * gets the error now. Routing stage.
     */
    private boolean waitOnTryAgain(
            ClientSession session, RespRequest request, PendingReply reply, String reason, boolean retried) {
        long now = System.nanoTime();
        long deadline = retried ? reply.holdDeadlineNanos : now + HOLD_TRY_AGAIN_NANOS;
        if (!readableAgain(request) || now - deadline >= 0) {
            return false;
        }
        reply.holdDeadlineNanos = deadline;
        HeldRequests.Held held =
                new HeldRequests.Held(request.takeFrame(), request.client(), request.setup(), reply, deadline, reason);
        if (retried) {
            session.held.queue.addFirst(held); // still first in the client's order
        } else {
            session.held.queue.addLast(held);
            session.held.waiting++;
        }
        scheduleRetry(session, TRY_AGAIN_EVERY_MILLIS);
        return true;
    }

    /**
     * Queues a request behind the client's requests that wait on a TRYAGAIN, so that the client's requests run in
     * the order it sent them; false for an inline command (which cannot be read again): it goes now. Routing stage.
     */
    private boolean waitBehind(ClientSession session, RespRequest request, PendingReply reply) {
        if (!readableAgain(request)) {
            return false;
        }
        HeldRequests.Held first = session.held.queue.peekFirst();
        long deadline = System.nanoTime() + HOLD_TRY_AGAIN_NANOS;
        reply.holdDeadlineNanos = deadline;
        session.held.queue.addLast(new HeldRequests.Held(
                request.takeFrame(),
                request.client(),
                request.setup(),
                reply,
                deadline,
                first != null
                        ? first.reason()
                        : "TRYAGAIN an earlier request of this connection waits for a moving slot; retry"));
        session.held.waiting++;
        return true;
    }

    /** Whether the request's bytes can be parsed again: a RESP array, as clients send (inline commands are not). */
    private static boolean readableAgain(RespRequest request) {
        io.netty.buffer.ByteBuf frame = request.frame();
        return frame != null && frame.isReadable() && frame.getByte(frame.readerIndex()) == '*';
    }

    /** Routes the client's first waiting request again after {@code delayMillis}, unless that is planned already. */
    private void scheduleRetry(ClientSession session, long delayMillis) {
        synchronized (session.held) {
            if (session.held.scheduled) {
                return;
            }
            session.held.scheduled = true;
        }
        try {
            GlobalEventExecutor.INSTANCE.schedule(() -> retryFirst(session), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            synchronized (session.held) {
                session.held.scheduled = false;
            }
            failAll(session);
        }
    }

    /**
     * Timer thread: publishes the client's first waiting request to the routing stage again. A client that left
     * gets nothing; a request that cannot be published (the stage is full, or closing) tries again shortly, and
     * past its time gets its error.
     */
    private void retryFirst(ClientSession session) {
        synchronized (session.held) {
            session.held.scheduled = false;
        }
        if (session.isClosed()) {
            failAll(session);
            return;
        }
        HeldRequests.Held first = session.held.queue.pollFirst();
        if (first == null) {
            return;
        }
        RespRequest again = RespRequest.parse(first.client(), first.frame()); // holds its own reference
        if (again != null) {
            again.setup(first.setup());
            first.reply().retried = true;
            if (sink.tryPublish(this, again, first.reply())) {
                sink.endOfRead(); // a burst of one from this thread: a sink that flushes per read flushes it now
                first.frame().release();
                return;
            }
            first.reply().retried = false;
            again.release();
        }
        if (again != null && System.nanoTime() - first.deadlineNanos() < 0) {
            session.held.queue.addFirst(first);
            scheduleRetry(session, TRY_AGAIN_EVERY_MILLIS);
            return;
        }
        // it cannot be routed again: its error, and the stage counts it done
        first.frame().release();
        first.reply().fail(first.reason());
        if (!sink.tryControl(() -> {
            session.held.waiting--;
            if (!session.held.queue.isEmpty()) {
                scheduleRetry(session, 0);
            }
        })) {
            failAll(session); // the stage is gone: everything waiting gets its error
        }
    }

    /** Every waiting request of the client gets its error and gives back its bytes. Any thread. */
    private static void failAll(ClientSession session) {
        HeldRequests.Held held;
        while ((held = session.held.queue.pollFirst()) != null) {
            held.frame().release();
            held.reply().fail(held.reason());
        }
    }

    private void split(
            RouteDecision.Split split, ReplySlot reply, ClientSession session, RespRequest request, Dispatch dispatch) {
        Connections connections =
                connections(split.connection(), session, request.client().connectionId(), request.setup());
        List<SplitPart> parts = split.parts();
        BackendConnection[] targets = new BackendConnection[parts.size()];
        BackendNode[] nodes = new BackendNode[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            nodes[i] = backends.resolve(parts.get(i).backend());
            targets[i] = connections.to(nodes[i]);
            if (targets[i] == null) {
                reply.fail(connections.refusal());
                return;
            }
        }
        // Every part in one buffer, each sent as a slice of it: one allocation per split, not one per part. A slice
        // is a plain view whose references are the buffer's own (retain, then slice), not a pooled retained slice:
        // the pool kept too few of those for the thousands of parts in flight at pipeline 16, and made and dropped
        // one per part (12% of a 10-slot MSET's samples in cluster mode); and each part's release then touched its
        // own, by then cold, reference count instead of the buffer's one. The buffer wraps a heap array, written
        // with plain stores and left to the GC, not taken from the pool: its bytes are copied into the backend's
        // write buffer anyway (or, past WriteCoalescer's size, into a direct one by the channel).
        int size = 0;
        for (SplitPart part : parts) {
            size += RespWriter.arrayLength(part.args());
        }
        byte[] bytes = new byte[size];
        ByteBuf encoded = Unpooled.wrappedBuffer(bytes);
        if (maxRedirects > 0 && split.connection() == ConnectionUse.SHARED && withoutPreludes(parts)) {
            sendGrouped(
                    parts,
                    nodes,
                    targets,
                    bytes,
                    encoded,
                    new SplitMerge(reply, split, router, encoded),
                    dispatch,
                    redirectsShared(connections, session, request));
            return;
        }
        SplitMerge merge = new SplitMerge(reply, split, router, null);
        try {
            int at = 0;
            for (int i = 0; i < parts.size(); i++) {
                SplitPart part = parts.get(i);
                ReplySlot partSlot = merge.partSlot(i);
                int from = at;
                at = RespWriter.writeArray(bytes, at, part.args());
                partSlot.stage(encoded.retain().slice(from, at - from));
                // a dedicated split is a transaction: its parts are never re-sent alone
                send(
                        nodes[i],
                        targets[i],
                        partSlot,
                        part.prelude(),
                        split.connection() == ConnectionUse.SHARED ? connections : null,
                        dispatch,
                        request,
                        session);
            }
        } finally {
            encoded.release(); // each part holds its own reference, to its slice
        }
    }

    private static boolean withoutPreludes(List<SplitPart> parts) {
        for (SplitPart part : parts) {
            if (part.prelude() != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends a split's parts one {@link PartGroup} per backend connection: the parts that go to one server written
     * together and matched to their replies as one in-flight entry. In cluster mode a 10-key MSET cost about 1 µs of
     * the proxy's CPU per part, in a slot, a redirecting slot and a queue entry each, touched again a round trip
     * later; redirections are still followed part by part. {@code merge} owns {@code encoded}'s reference;
     * {@code bytes} is its array, to encode into.
     */
    private void sendGrouped(
            List<SplitPart> parts,
            BackendNode[] nodes,
            BackendConnection[] targets,
            byte[] bytes,
            ByteBuf encoded,
            SplitMerge merge,
            Dispatch dispatch,
            RedirectingSlot.Shared redirects) {
        int count = parts.size();
        int[] groupOf = new int[count];
        int[] groupSizes = new int[count];
        BackendConnection[] groupTargets = new BackendConnection[count];
        BackendNode[] groupNodes = new BackendNode[count];
        int groups = 0;
        for (int i = 0; i < count; i++) {
            int g = 0;
            while (g < groups && groupTargets[g] != targets[i]) {
                g++;
            }
            if (g == groups) {
                groupTargets[g] = targets[i];
                groupNodes[g] = nodes[i];
                groups++;
            }
            groupOf[i] = g;
            groupSizes[g]++;
        }
        PartGroup[] slots = new PartGroup[groups];
        int at = 0;
        for (int g = 0; g < groups; g++) {
            int[] members = new int[groupSizes[g]];
            int[] starts = new int[members.length + 1];
            int from = at;
            int n = 0;
            for (int i = 0; i < count; i++) {
                if (groupOf[i] == g) {
                    members[n] = i;
                    starts[n++] = at;
                    at = RespWriter.writeArray(bytes, at, parts.get(i).args());
                }
            }
            starts[n] = at;
            slots[g] = new PartGroup(merge, members, starts, redirects);
            slots[g].stage(encoded.retain().slice(from, at - from));
        }
        // staged once all are encoded: nothing is written into the buffer after a slice of it may be on its way
        for (int g = 0; g < groups; g++) {
            if (groupNodes[g].health() == BackendHealth.DOWN && holdUnsentNanos > 0) {
                slots[g].releaseRequest();
                slots[g].notSent("backend " + groupNodes[g].address() + " is down");
            } else {
                dispatch.stage(groupTargets[g], slots[g]);
            }
        }
    }

    private static EventLoop loopOf(ClientSession session) {
        return session == null ? null : session.loop();
    }

    /** Where a client's requests go for one kind of connection use. */
    private Connections connections(ConnectionUse use, ClientSession session, long client, ConnectionSetup setup) {
        if (use == ConnectionUse.SHARED) {
            if (session == null) {
                return new Connections(node -> node.connectionFor(client, null, setup), null);
            }
            // the same for each of the client's requests while its setup holds: made once, not per request
            Connections shared = session.sharedConnections;
            if (shared == null || session.sharedSetup != setup) {
                EventLoop loop = session.loop();
                shared = new Connections(node -> node.connectionFor(client, loop, setup), null);
                session.sharedConnections = shared;
                session.sharedSetup = setup;
            }
            return shared;
        }
        if (session == null) {
            return new Connections(node -> null, "this client cannot hold a backend connection of its own");
        }
        if (session.subscription() != null) {
            // its own connection carries its subscriptions, where a reply would be taken for a push
            return new Connections(
                    node -> null,
                    "this connection is subscribed: blocking commands and transactions need a connection that is not"
                            + " (other commands are served on it)");
        }
        return new Connections(
                node -> session.dedicated(node, backends, setup),
                "too many clients hold backend connections of their own (puerta.limits.max-dedicated-connections);"
                        + " blocking commands, transactions and subscriptions are refused until some of them leave");
    }

    /**
     * Stages {@code slot} for {@code target}, or, with a prelude, stages the prelude and lets it release the slot.
     *
     * @param redirectVia where redirections are followed, or null to pass them on to the client
     */
    private void send(
            BackendNode node,
            BackendConnection target,
            ReplySlot slot,
            Prelude prelude,
            Connections redirectVia,
            Dispatch dispatch,
            RespRequest request,
            ClientSession session) {
        if (maxRedirects > 0 && prelude == null && redirectVia != null) {
            // keep the request bytes, to send them again where a MOVED or ASK points
            RedirectingSlot redirecting =
                    new RedirectingSlot(slot, slot.takeRequest(), redirectsShared(redirectVia, session, request));
            if (node.health() == BackendHealth.DOWN && redirecting.mayHold()) {
                redirecting.releaseRequest();
                redirecting.notSent("backend " + node.address() + " is down");
                return;
            }
            slot = redirecting;
        }
        if (prelude == null) {
            dispatch.stage(target, slot);
            return;
        }
        BackendConnection preludeTarget =
                redirectVia == null ? target : redirectVia.to(backends.resolve(prelude.backend()));
        if (preludeTarget == null) {
            slot.releaseRequest();
            slot.fail(redirectVia.refusal());
            return;
        }
        PreludeSlot first = new PreludeSlot(slot, target);
        first.stage(RespWriter.array(ByteBufAllocator.DEFAULT, prelude.args()));
        dispatch.stage(preludeTarget, first);
    }

    /** What the client's redirecting slots share on {@code via}: kept on its session while they stay the same. */
    private RedirectingSlot.Shared redirectsShared(Connections via, ClientSession session, RespRequest request) {
        boolean sessions = session != null && via == session.sharedConnections;
        RedirectingSlot.Shared shared = sessions ? session.sharedRedirects : null;
        if (shared == null
                || shared.connections() != via.chooser()
                || shared.requester() != request.client()
                || shared.setup() != request.setup()) {
            shared = new RedirectingSlot.Shared(
                    backends,
                    via.chooser(),
                    via.refusal(),
                    maxRedirects,
                    redirected,
                    request.client(),
                    request.setup(),
                    holdUnsentNanos,
                    hold,
                    held,
                    heldAndFailed);
            if (sessions) {
                session.sharedRedirects = shared;
            }
        }
        return shared;
    }

    /**
     * A request that could not be sent waits {@link #ROUTE_AGAIN_MILLIS} (on Netty's global executor: no thread of
     * ours sleeps), then is routed again on the routing stage. Any thread.
     */
    private void holdAndRouteAgain(RedirectingSlot slot) {
        try {
            GlobalEventExecutor.INSTANCE.schedule(
                    () -> {
                        if (!sink.tryControl(() -> routeAgain(slot))) {
                            slot.giveUp(null);
                        }
                    },
                    ROUTE_AGAIN_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            slot.giveUp(null);
        }
    }

    /**
     * Routing stage: asks the router again where a held request goes (after a topology refresh, the new master) and
     * sends it there, or holds it once more while its target is down and the hold lasts. A request the router would
     * now split, or send elsewhere than a shared connection, gets the error it was held with.
     */
    private void routeAgain(RedirectingSlot slot) {
        RespRequest request = slot.requestAgain();
        if (request == null) {
            slot.giveUp(null);
            return;
        }
        try {
            RouteDecision decision = router.route(request);
            if (decision instanceof RouteDecision.Forward forward
                    && forward.connection() == ConnectionUse.SHARED
                    && forward.prelude() == null) {
                BackendNode node = backends.resolve(forward.backend());
                if (node.health() == BackendHealth.DOWN && slot.mayHold()) {
                    slot.notSent("backend " + node.address() + " is down");
                } else {
                    slot.resend(slot.connectionTo(node));
                }
            } else if (decision instanceof RouteDecision.Fail fail) {
                slot.giveUp(fail.message());
            } else {
                slot.giveUp(null);
            }
        } catch (RuntimeException e) {
            slot.giveUp(null);
        } finally {
            request.release();
        }
    }

    /** SUBSCRIBE and kin: the reply becomes the client's stream, and the connection the client's from now on. */
    private void subscribe(BackendConnection target, ReplySlot reply, ClientSession session, Dispatch dispatch) {
        if (!(reply instanceof PendingReply pending) || session == null) {
            reply.releaseRequest();
            reply.fail("this client cannot subscribe");
            return;
        }
        session.subscribe(target, pending.startStream(session.setup().protocol() == 3));
        dispatch.stage(target, reply);
    }

    /**
     * A subscriber's request goes to its connection unrouted; its answer arrives in the stream, so its own place in
     * the reply order is filled with nothing.
     */
    private void relayToSubscription(RespRequest request, ReplySlot reply, ClientSession session, Dispatch dispatch) {
        ReplyStream stream = session.stream();
        BackendConnection subscription = session.subscription();
        if (reply instanceof PendingReply pending) {
            pending.relayed = true;
        }
        if (request.name().equals("QUIT")) {
            // the server answers +OK and hangs up: the end of the stream, not a failure
            stream.expectEnd();
        }
        if (request.name().equals("RESET")) {
            // the client starts afresh: its stream ends with the RESET's answer, and the connection the server
            // would reset (RESP version, database) is closed rather than reused
            stream.leaveNow(RespWriter.status(ByteBufAllocator.DEFAULT, "RESET"));
            session.leaveSubscription();
            session.reset();
            router.clientClosed(session.clientId());
            reply.complete(Unpooled.EMPTY_BUFFER);
            return;
        }
        int confirmations = session.track(request);
        if (confirmations > 0) {
            stream.expectUnsubscribes(confirmations);
            if (session.subscribedToNothing()) {
                // from the next request on the client is routed as anyone's; its stream ends with the last
                // confirmation, before any of their replies
                stream.leaveWhenConfirmed();
                session.leaveSubscription();
            }
        }
        ReplySlot relayed = new ReplySlot() {
            @Override
            public void complete(ByteBuf ignored) {
                ignored.release(); // never called for a slot that expects no reply, but a shutdown may fail it
            }

            @Override
            public boolean expectsReply() {
                return false;
            }
        };
        relayed.stage(request.takeFrame());
        dispatch.stage(subscription, relayed);
        reply.complete(Unpooled.EMPTY_BUFFER);
    }

    /** Picks a backend connection per node; null (with {@link #refusal}) when none can be had. */
    record Connections(Function<BackendNode, BackendConnection> chooser, String refusal) {
        BackendConnection to(BackendNode node) {
            return chooser.apply(node);
        }
    }
}
