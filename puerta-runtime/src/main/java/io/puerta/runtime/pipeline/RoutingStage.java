package io.puerta.runtime.pipeline;

import com.lmax.disruptor.EventHandler;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.puerta.runtime.backend.BackendConnection;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespWriter;
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
    private int sinceFlush;

    RoutingStage(
            RouterGuard router,
            BackendRegistry backends,
            int maxBatch,
            java.util.function.Consumer<io.puerta.spi.routing.Redirect> redirected) {
        this.router = router;
        this.backends = backends;
        this.maxRedirects = router.maxRedirects();
        this.redirected = redirected;
        this.maxBatch = maxBatch;
    }

    @Override
    public void onEvent(RequestEvent event, long sequence, boolean endOfBatch) {
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
        RespRequest request = event.request;
        ReplySlot reply = event.reply;
        try {
            route(request, reply);
        } catch (RuntimeException e) {
            // A runtime bug, not a plugin's (the guard catches those): still, the client gets its answer.
            log.error("routing failed for {}", request, e);
            reply.fail("internal error while routing: " + e);
        } finally {
            request.release(); // no-op when the frame went to a backend
            event.clear();
        }
        if (endOfBatch || ++sinceFlush >= maxBatch) {
            flush();
        }
    }

    private void route(RespRequest request, ReplySlot reply) {
        RouteDecision decision = router.route(request);
        long client = request.client().connectionId();
        if (decision instanceof RouteDecision.Forward forward) {
            reply.stage(request.takeFrame());
            send(connection(forward.backend(), client), reply, forward.prelude(), client);
        } else if (decision instanceof RouteDecision.Split split) {
            SplitMerge merge = new SplitMerge(reply, split, router);
            List<SplitPart> parts = split.parts();
            for (int i = 0; i < parts.size(); i++) {
                SplitPart part = parts.get(i);
                ReplySlot partSlot = merge.partSlot(i);
                partSlot.stage(RespWriter.array(ByteBufAllocator.DEFAULT, part.args()));
                send(connection(part.backend(), client), partSlot, part.prelude(), client);
            }
        } else if (decision instanceof RouteDecision.Respond respond) {
            reply.complete(Unpooled.copiedBuffer(respond.reply()));
        } else if (decision instanceof RouteDecision.Fail fail) {
            reply.fail(fail.message());
        }
    }

    private BackendConnection connection(io.puerta.spi.backend.Backend backend, long client) {
        return backends.resolve(backend).connectionFor(client);
    }

    /** Stages {@code slot} for {@code target}, or, with a prelude, stages the prelude and lets it release the slot. */
    private void send(BackendConnection target, ReplySlot slot, Prelude prelude, long client) {
        if (maxRedirects > 0 && prelude == null) {
            // keep the request bytes, to send them again where a MOVED or ASK points
            slot = new RedirectingSlot(slot, slot.takeRequest(), backends, client, maxRedirects, redirected);
        }
        if (prelude == null) {
            stage(target, slot);
            return;
        }
        PreludeSlot first = new PreludeSlot(slot, target);
        first.stage(RespWriter.array(ByteBufAllocator.DEFAULT, prelude.args()));
        stage(connection(prelude.backend(), client), first);
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
