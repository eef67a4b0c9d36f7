package io.puerta.runtime.frontdoor.mongo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.mongo.MongoBackends;
import io.puerta.runtime.backend.mongo.MongoCredentials;
import io.puerta.runtime.backend.mongo.MongoExchange;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.pipeline.Dispatch;
import io.puerta.runtime.pipeline.PluginCallFailed;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.runtime.pipeline.StageHandler;
import io.puerta.runtime.protocol.mongo.MongoFrame;
import io.puerta.runtime.protocol.mongo.MongoReplies;
import io.puerta.runtime.protocol.mongo.MongoRequest;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.SplitPart;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How MongoDB messages are routed. They reach the routing stage through the request sink with one of two
 * {@link StageHandler}s (the first message of a spliced connection, or one message of a per-message client), so the
 * router's tables (affinity, cursor and transaction pins) keep one writer. With identities per connection the
 * first message routes the connection, which is then spliced to its mongos; with identities per message every
 * message is routed and multiplexed over the proxy's own mongos connections ({@link MongoBackends}).
 */
final class MongoRouting implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MongoRouting.class);

    private final RequestSink sink;
    private final RouterGuard router;
    private final IdentifierCall identifier;
    private final BackendRegistry backends;
    private final MongoBackends mux;
    private final RuntimeMetrics metrics;
    private final Settings settings;
    private final AtomicInteger spliced = new AtomicInteger();

    /** Routes the first message of a connection, which decides where the whole connection goes. */
    final StageHandler<MongoRequest, MongoClientHandler> connections = new Stage(true);

    /** Routes one message of a client routed per message. */
    final StageHandler<MongoRequest, MongoClientHandler> messages = new Stage(false);

    MongoRouting(
            RequestSink sink,
            RouterGuard router,
            IdentifierCall identifier,
            BackendRegistry backends,
            EventLoopGroup backendLoops,
            Settings settings,
            RuntimeMetrics metrics) {
        this.sink = sink;
        this.router = router;
        this.identifier = identifier;
        this.backends = backends;
        this.metrics = metrics;
        this.settings = settings;
        Settings.Mongo mongo = settings.mongo();
        MongoCredentials credentials = mongo.username().isEmpty()
                ? null
                : new MongoCredentials(mongo.username(), mongo.password(), mongo.authSource());
        this.mux = new MongoBackends(
                backendLoops, backends, settings.backend(), credentials, router::replied, metrics, maxReplyBytes());
        metrics.registry()
                .register("puerta.mongo.spliced-connections", (com.codahale.metrics.Gauge<Integer>) spliced::get);
    }

    boolean perMessage() {
        return identifier.perMessage();
    }

    Settings settings() {
        return settings;
    }

    /** A bootstrap for a spliced connection, on the client's own event loop: the bytes never change threads. */
    io.netty.bootstrap.Bootstrap bootstrap(io.netty.channel.EventLoop loop) {
        return backends.bootstrap(loop);
    }

    /** TLS to the mongos, or null: a spliced connection speaks it too. */
    io.puerta.runtime.backend.BackendTls backendTls() {
        return backends.tls();
    }

    RuntimeMetrics metrics() {
        return metrics;
    }

    AtomicInteger splicedCount() {
        return spliced;
    }

    /** The largest reply a mongos may send a spliced client: a message of the largest size, and room for its envelope. */
    int maxReplyBytes() {
        return settings.limits().maxMongoMessageBytes() + (1 << 20);
    }

    RequestSink sink() {
        return sink;
    }

    /** Tells the router the client left, in order after its last message. */
    void announceClosed(long clientId, io.netty.channel.EventLoop retryOn) {
        sink.controlSoon(() -> router.clientClosed(clientId), retryOn);
    }

    private void decideConnection(MongoClientHandler client, MongoRequest first) {
        String identity = identifier.identify(client, first).orElse("ip:" + client.remoteHost());
        first.identity(identity);
        client.identity(identity);
        RouteDecision decision = router.route(first);
        if (decision instanceof RouteDecision.Forward forward) {
            client.spliceTo(backends.resolve(forward.backend()), first);
        } else if (decision instanceof RouteDecision.Respond respond) {
            client.answered(first, respondBytes(respond, first), false);
        } else if (decision instanceof RouteDecision.Fail fail) {
            client.answered(first, error(first, fail.message()), true);
        } else {
            client.answered(first, error(first, "a connection cannot be split over several mongos"), true);
        }
    }

    private void decideMessage(MongoClientHandler client, MongoRequest request) {
        String identity = identifier.identify(client, request).orElse(null);
        request.identity(identity);
        RouteDecision decision = router.route(request);
        if (decision instanceof RouteDecision.Forward forward) {
            BackendNode node = backends.resolve(forward.backend());
            ByteBuf frame = request.takeFrame();
            mux.connectionFor(node, client.connectionId(), client.loop())
                    .send(new MongoExchange(request, frame, client));
        } else if (decision instanceof RouteDecision.Split split) {
            split(client, request, split);
        } else if (decision instanceof RouteDecision.Respond respond) {
            request.release();
            client.reply(respondBytes(respond, request));
        } else if (decision instanceof RouteDecision.Fail fail) {
            request.release();
            client.reply(error(request, fail.message()));
        }
    }

    /**
     * A message split over several mongos (a killCursors whose cursors live on several): each part's single
     * argument is a whole message; the router's merger makes one reply of theirs.
     */
    private void split(MongoClientHandler client, MongoRequest request, RouteDecision.Split split) {
        request.release();
        List<SplitPart> parts = split.parts();
        if (split.merger() == null) {
            client.reply(error(request, "a MongoDB split needs the router's merger"));
            return;
        }
        SplitReplies replies = new SplitReplies(client, request, split, parts.size());
        for (int i = 0; i < parts.size(); i++) {
            SplitPart part = parts.get(i);
            MongoRequest partRequest;
            try {
                byte[] message = part.args().get(0);
                partRequest = MongoRequest.parse(client, MongoFrame.of(Unpooled.wrappedBuffer(message)));
            } catch (RuntimeException e) {
                replies.fail(
                        request,
                        "router '" + router.name() + "' split a message into an invalid part: " + e.getMessage(),
                        MongoReplies.INTERNAL_ERROR,
                        "InternalError");
                return;
            }
            BackendNode node = backends.resolve(part.backend());
            ByteBuf frame = partRequest.takeFrame();
            mux.connectionFor(node, client.connectionId(), client.loop())
                    .send(new MongoExchange(partRequest, frame, replies.part(i)));
        }
    }

    private ByteBuf respondBytes(RouteDecision.Respond respond, MongoRequest request) {
        ByteBuf reply = Unpooled.copiedBuffer(respond.reply());
        if (reply.readableBytes() >= MongoFrame.HEADER_BYTES) {
            reply.setIntLE(reply.readerIndex() + 8, request.requestId());
        }
        return reply;
    }

    /** An error reply naming what went wrong; a leading {@code CodeName:} picks MongoDB's code for it. */
    static ByteBuf error(MongoRequest request, String message) {
        int colon = message.indexOf(':');
        String codeName = colon > 0 ? message.substring(0, colon) : "";
        Integer code = MongoErrorCodes.code(codeName);
        if (code == null) {
            codeName = "InternalError";
            code = MongoReplies.INTERNAL_ERROR;
        }
        return MongoReplies.error(
                ByteBufAllocator.DEFAULT, request.opCode(), request.requestId(), message, code, codeName);
    }

    @Override
    public void close() {
        mux.close();
    }

    /** Collects the replies of a split's parts and answers the client once all are in. */
    private final class SplitReplies {
        private final MongoClientHandler client;
        private final MongoRequest request;
        private final RouteDecision.Split split;
        private final ByteBuffer[] replies;
        private final AtomicInteger remaining;
        private volatile boolean failed;

        SplitReplies(MongoClientHandler client, MongoRequest request, RouteDecision.Split split, int parts) {
            this.client = client;
            this.request = request;
            this.split = split;
            this.replies = new ByteBuffer[parts];
            this.remaining = new AtomicInteger(parts);
        }

        MongoExchange.Target part(int index) {
            return new MongoExchange.Target() {
                @Override
                public void reply(ByteBuf message) {
                    ByteBuffer copy = ByteBuffer.allocate(message.readableBytes());
                    message.getBytes(message.readerIndex(), copy);
                    message.release();
                    copy.flip();
                    replies[index] = copy.asReadOnlyBuffer();
                    partDone();
                }

                @Override
                public void fail(MongoRequest part, String message, int code, String codeName) {
                    SplitReplies.this.fail(part, message, code, codeName);
                }
            };
        }

        void fail(MongoRequest part, String message, int code, String codeName) {
            if (!failed) {
                failed = true;
                client.reply(MongoReplies.error(
                        ByteBufAllocator.DEFAULT, request.opCode(), request.requestId(), message, code, codeName));
            }
            remaining.decrementAndGet();
        }

        private void partDone() {
            if (remaining.decrementAndGet() != 0 || failed) {
                return;
            }
            ByteBuf merged;
            try {
                ByteBuffer result = router.merge(split.merger(), new ArrayList<>(List.of(replies)));
                merged = Unpooled.copiedBuffer(result);
                merged.setIntLE(merged.readerIndex() + 8, request.requestId());
            } catch (PluginCallFailed | IndexOutOfBoundsException e) {
                merged = MongoReplies.error(
                        ByteBufAllocator.DEFAULT,
                        request.opCode(),
                        request.requestId(),
                        e instanceof PluginCallFailed
                                ? e.getMessage()
                                : "router '" + router.name() + "' merged replies into no MongoDB message",
                        MongoReplies.INTERNAL_ERROR,
                        "InternalError");
            }
            client.reply(merged);
        }
    }

    /** The routing stage's side of a MongoDB message: a connection's first message, or any message per message. */
    private final class Stage implements StageHandler<MongoRequest, MongoClientHandler> {
        private final boolean routesConnection;

        Stage(boolean routesConnection) {
            this.routesConnection = routesConnection;
        }

        @Override
        public void route(MongoRequest request, MongoClientHandler client, Dispatch dispatch) {
            if (routesConnection) {
                decideConnection(client, request);
            } else {
                decideMessage(client, request);
            }
        }

        @Override
        public void failed(MongoRequest request, MongoClientHandler client, Throwable cause) {
            // a runtime bug, not a plugin's (the guard catches those): the client still gets its answer
            ByteBuf answer = error(request, "InternalError: routing failed: " + cause);
            if (routesConnection) {
                client.answered(request, answer, true);
            } else {
                request.release();
                client.reply(answer);
            }
        }

        @Override
        public void discard(MongoRequest request, MongoClientHandler client) {
            request.release();
        }
    }
}
