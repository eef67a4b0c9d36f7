package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.puerta.runtime.access.Authenticator;
import io.puerta.runtime.access.Rights;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.frontdoor.ClientHandle;
import io.puerta.runtime.frontdoor.FrontDoor;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.runtime.protocol.resp.RespLimits;
import io.puerta.runtime.protocol.resp.RespRequestDecoder;
import io.puerta.runtime.protocol.resp.RespWriter;

/**
 * The RESP front door: each connection gets a {@link RespRequestDecoder} and a {@link ClientConnection}, which
 * publishes every request with the {@link RespDispatcher} and writes the replies back in request order.
 */
public final class RespFrontDoor implements FrontDoor {

    /** The setting that lets clients change the servers' settings (CONFIG SET, RESETSTAT, REWRITE). */
    public static final String ALLOW_CONFIG_SET = "puerta.commands.allow-config-set";

    /** The setting that shows the fleet to cluster clients as one Redis Cluster. */
    public static final String CLUSTER_VIEW = "puerta.cluster-view";

    private final RequestSink sink;
    private final RespDispatcher dispatcher;
    private volatile Settings.Limits limits;
    private final RespLimits respLimits;
    private final RuntimeMetrics metrics;
    private final ClientConnection.Access access;
    private final RespClients clients = new RespClients();

    /** @param authenticator checks logins; null or one without users: clients need not log in */
    public RespFrontDoor(
            RequestSink sink,
            RouterGuard router,
            BackendRegistry backends,
            Settings.Limits limits,
            RuntimeMetrics metrics,
            Authenticator authenticator) {
        this.sink = sink;
        this.dispatcher = new RespDispatcher(router, backends, sink, metrics, clients);
        this.limits = limits;
        this.respLimits = new RespLimits(
                limits.maxArrayLength(), limits.maxBulkBytes(), limits.maxInlineBytes(), limits.maxRequestBytes());
        this.metrics = metrics;
        this.access = authenticator == null || !authenticator.required()
                ? null
                : new ClientConnection.Access(authenticator, new Rights(router.describer()));
    }

    /** Whether clients may change every server's settings through the proxy (a reload may change it). */
    public void allowConfigSet(boolean allowed) {
        dispatcher.allowConfigSet(allowed);
    }

    /**
     * Shows the fleet to cluster-aware clients as one Redis Cluster ({@code puerta.cluster-view}), or stops to
     * (null); a reload may change it.
     */
    public void clusterView(ClusterView view) {
        dispatcher.clusterView(view);
    }

    /** Client limits for connections from now on (a reload); connections open keep theirs. */
    public void limits(Settings.Limits next) {
        this.limits = next;
    }

    @Override
    public String protocol() {
        return "resp";
    }

    @Override
    public ByteBuf refusal(ByteBufAllocator alloc, String message) {
        return RespWriter.error(alloc, message);
    }

    @Override
    public ClientHandle open(Channel channel) {
        ClientConnection client = new ClientConnection(channel, sink, dispatcher, limits, metrics, access, clients);
        channel.pipeline().addLast("decoder", new RespRequestDecoder(client, respLimits));
        channel.pipeline().addLast("client", client);
        return client;
    }

    @Override
    public int heldBackendConnections() {
        return metrics.dedicatedConnections().get();
    }
}
