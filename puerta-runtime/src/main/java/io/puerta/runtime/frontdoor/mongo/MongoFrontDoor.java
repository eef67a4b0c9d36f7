package io.puerta.runtime.frontdoor.mongo;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.puerta.runtime.access.Authenticator;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.frontdoor.ClientHandle;
import io.puerta.runtime.frontdoor.FrontDoor;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.runtime.protocol.mongo.MongoFrameDecoder;

/**
 * The MongoDB front door: each connection gets a {@link MongoFrameDecoder} and a {@link MongoClientHandler}, which
 * routes the connection (and splices it to its mongos) or each message, as the client identifier says.
 */
public final class MongoFrontDoor implements FrontDoor, AutoCloseable {

    private final MongoRouting routing;
    private final int maxMessageBytes;
    private final Authenticator authenticator;

    public MongoFrontDoor(
            RequestSink sink,
            RouterGuard router,
            IdentifierCall identifier,
            BackendRegistry backends,
            EventLoopGroup backendLoops,
            Settings settings,
            RuntimeMetrics metrics,
            Authenticator authenticator) {
        this.routing = new MongoRouting(sink, router, identifier, backends, backendLoops, settings, metrics);
        this.maxMessageBytes = settings.limits().maxMongoMessageBytes();
        this.authenticator = authenticator;
    }

    @Override
    public String protocol() {
        return "mongo";
    }

    @Override
    public ClientHandle open(Channel channel) {
        MongoClientHandler client = new MongoClientHandler(channel, routing, authenticator);
        channel.pipeline().addLast("decoder", new MongoFrameDecoder(maxMessageBytes));
        channel.pipeline().addLast("client", client);
        return client;
    }

    /** Closes the proxy's own mongos connections (per-message mode). */
    @Override
    public void close() {
        routing.close();
    }
}
