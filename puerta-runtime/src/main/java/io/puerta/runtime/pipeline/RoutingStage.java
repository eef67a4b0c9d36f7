package io.puerta.runtime.pipeline;

import com.lmax.disruptor.EventHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.puerta.runtime.backend.BackendConnection;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespWriter;
import io.puerta.spi.routing.ConnectionUse;
import io.puerta.spi.routing.Prelude;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Disruptor consumer: asks the router where each request goes and stages it on a backend connection. Staged
 * requests are handed to the backends' event loops at the end of each batch (or every {@code max-batch} events),
 * so that many clients' requests reach a backend with one write and one flush.
 *
 * <p>This is the single writer of all routing state: the router is only ever called from here.
 */
final class RoutingStage implements EventHandler<RequestEvent> {

    private static final Logger log = LoggerFactory.getLogger(RoutingStage.class);

    private final RouterGuard router;
    private final BackendRegistry backends;
    private final int maxRedirects;
    private final java.util.function.Consumer<io.puerta.spi.routing.Redirect> redirected;
    private final int maxBatch;
    private final List<BackendConnection> dirty = new ArrayList<>();
    private final boolean locked;
    private int sinceFlush;

    RoutingStage(
            RouterGuard router,
            BackendRegistry backends,
            int maxBatch,
            java.util.function.Consumer<io.puerta.spi.routing.Redirect> redirected,
            boolean locked) {
        this.locked = locked;
        this.router = router;
        this.backends = backends;
        this.maxRedirects = router.maxRedirects();
        this.redirected = redirected;
        this.maxBatch = maxBatch;
    }

    @Override
    public void onEvent(RequestEvent event, long sequence, boolean endOfBatch) {
        if (locked) {
            // event-loop mode: I/O threads route too, so the ring's own events (control tasks) take the lock
            synchronized (this) {
                handle(event, endOfBatch);
            }
        } else {
            handle(event, endOfBatch);
        }
    }

    /** {@code event-loop} mode: one request, routed on the calling I/O thread. */
    synchronized void routeInline(RespRequest request, ReplySlot reply) {
        routeGuarded(request, reply);
        if (++sinceFlush >= maxBatch) {
            flush();
        }
    }

    synchronized void flushInline() {
        flush();
    }

    private void handle(RequestEvent event, boolean endOfBatch) {
        if (event.control != null) {
            try {
                event.control.run();
            } catch (RuntimeException e) {
                log.error("control event failed", e);
            } finally {
                event.clear();
            }
            if (endOfBatch) {
                flush();
            }
            return;
        }
        try {
            routeGuarded(event.request, event.reply);
        } finally {
            event.clear();
        }
        if (endOfBatch || ++sinceFlush >= maxBatch) {
            flush();
        }
    }

    private void routeGuarded(RespRequest request, ReplySlot reply) {
        try {
            route(request, reply);
        } catch (RuntimeException e) {
            // A runtime bug, not a plugin's (the guard catches those): still, the client gets its answer.
            log.error("routing failed for {}", request, e);
            reply.fail("internal error while routing: " + e);
        } finally {
            request.release(); // no-op when the frame went to a backend
        }
    }

    private void route(RespRequest request, ReplySlot reply) {
        ClientSession session = request.client() instanceof ClientSession.Holder holder ? holder.session() : null;
        if (session != null && session.subscription() != null) {
            relayToSubscription(request, reply, session);
            return;
        }
        RouteDecision decision = router.route(request);
        long client = request.client().connectionId();
        if (decision instanceof RouteDecision.Forward forward) {
            if (forward.connection() == ConnectionUse.SHARED && forward.prelude() == null && maxRedirects == 0) {
                // the common case, without allocating
                reply.stage(request.takeFrame());
                stage(backends.resolve(forward.backend()).connectionFor(client, loopOf(session)), reply);
                return;
            }
            Connections connections = connections(forward.connection(), session, client);
            BackendConnection target = connections.to(backends.resolve(forward.backend()));
            if (target == null) {
                reply.fail(connections.refusal());
                return;
            }
            reply.stage(request.takeFrame());
            if (forward.connection() == ConnectionUse.SUBSCRIPTION) {
                subscribe(target, reply, session);
            } else {
                send(target, reply, forward.prelude(), connections);
            }
        } else if (decision instanceof RouteDecision.Split split) {
            Connections connections = connections(split.connection(), session, client);
            List<SplitPart> parts = split.parts();
            BackendConnection[] targets = new BackendConnection[parts.size()];
            for (int i = 0; i < parts.size(); i++) {
                targets[i] = connections.to(backends.resolve(parts.get(i).backend()));
                if (targets[i] == null) {
                    reply.fail(connections.refusal());
                    return;
                }
            }
            SplitMerge merge = new SplitMerge(reply, split, router);
            for (int i = 0; i < parts.size(); i++) {
                SplitPart part = parts.get(i);
                ReplySlot partSlot = merge.partSlot(i);
                partSlot.stage(RespWriter.array(ByteBufAllocator.DEFAULT, part.args()));
                // a dedicated split is a transaction: its parts are never re-sent alone
                send(
                        targets[i],
                        partSlot,
                        part.prelude(),
                        split.connection() == ConnectionUse.SHARED ? connections : null);
            }
        } else if (decision instanceof RouteDecision.Respond respond) {
            reply.complete(Unpooled.copiedBuffer(respond.reply()));
        } else if (decision instanceof RouteDecision.Fail fail) {
            reply.fail(fail.message());
        }
    }

    private static io.netty.channel.EventLoop loopOf(ClientSession session) {
        return session == null ? null : session.loop();
    }

    /** Where a client's requests go for one kind of connection use. */
    private Connections connections(ConnectionUse use, ClientSession session, long client) {
        if (use == ConnectionUse.SHARED) {
            io.netty.channel.EventLoop loop = loopOf(session);
            return new Connections(node -> node.connectionFor(client, loop), null);
        }
        if (session == null) {
            return new Connections(node -> null, "this client cannot hold a backend connection of its own");
        }
        return new Connections(
                node -> session.dedicated(node, backends),
                "too many clients hold backend connections of their own (puerta.limits.max-dedicated-connections);"
                        + " blocking commands, transactions and subscriptions are refused until some of them leave");
    }

    /**
     * Stages {@code slot} for {@code target}, or, with a prelude, stages the prelude and lets it release the slot.
     *
     * @param redirectVia where redirections are followed, or null to pass them on to the client
     */
    private void send(BackendConnection target, ReplySlot slot, Prelude prelude, Connections redirectVia) {
        if (maxRedirects > 0 && prelude == null && redirectVia != null) {
            // keep the request bytes, to send them again where a MOVED or ASK points
            slot = new RedirectingSlot(
                    slot,
                    slot.takeRequest(),
                    backends,
                    redirectVia.chooser(),
                    redirectVia.refusal(),
                    maxRedirects,
                    redirected);
        }
        if (prelude == null) {
            stage(target, slot);
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
        stage(preludeTarget, first);
    }

    /** SUBSCRIBE and kin: the reply becomes the client's stream, and the connection the client's from now on. */
    private void subscribe(BackendConnection target, ReplySlot reply, ClientSession session) {
        if (!(reply instanceof PendingReply pending) || session == null) {
            reply.releaseRequest();
            reply.fail("this client cannot subscribe");
            return;
        }
        session.subscribe(target, pending.startStream());
        stage(target, reply);
    }

    /**
     * A subscriber's request goes to its connection unrouted; its answer arrives in the stream, so its own place in
     * the reply order is filled with nothing.
     */
    private void relayToSubscription(RespRequest request, ReplySlot reply, ClientSession session) {
        if (request.name().equals("QUIT")) {
            // the server answers +OK and hangs up: the end of the stream, not a failure
            session.stream().expectEnd();
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
        stage(session.subscription(), relayed);
        reply.complete(Unpooled.EMPTY_BUFFER);
    }

    /** Picks a backend connection per node; null (with {@link #refusal}) when none can be had. */
    private record Connections(java.util.function.Function<BackendNode, BackendConnection> chooser, String refusal) {
        BackendConnection to(BackendNode node) {
            return chooser.apply(node);
        }
    }

    private void stage(BackendConnection connection, ReplySlot slot) {
        if (connection.stage(slot)) {
            dirty.add(connection);
        }
    }

    private void flush() {
        sinceFlush = 0;
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
    }
}
