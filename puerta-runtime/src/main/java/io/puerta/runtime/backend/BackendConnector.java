package io.puerta.runtime.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.protocol.resp.ConnectionSetup;
import io.puerta.runtime.protocol.resp.RespWriter;
import io.puerta.runtime.transport.Transport;
import io.puerta.spi.backend.Credentials;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Creates backend connections: the shared bootstrap settings, and an event loop per connection. */
public final class BackendConnector {

    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final Settings.BackendOptions options;
    private final RuntimeMetrics metrics;
    private final List<List<String>> greeting = new CopyOnWriteArrayList<>();
    private final BackendTls tls;
    private volatile TroubleListener trouble = (host, port, reason, refused) -> {};

    /** Told of a backend in trouble: a refused connection, a request left unanswered for long. Event loops. */
    @FunctionalInterface
    public interface TroubleListener {
        /** @param refused whether a connection attempt failed (else requests wait unanswered) */
        void trouble(String host, int port, String reason, boolean refused);
    }

    public BackendConnector(
            EventLoopGroup group, Transport transport, Settings.BackendOptions options, RuntimeMetrics metrics) {
        this(group, transport, options, null, metrics);
    }

    /** @param tls TLS to every backend, or null for plain TCP */
    public BackendConnector(
            EventLoopGroup group,
            Transport transport,
            Settings.BackendOptions options,
            BackendTls tls,
            RuntimeMetrics metrics) {
        this.tls = tls;
        this.group = group;
        this.channelClass = transport.clientChannel();
        this.options = options;
        this.metrics = metrics;
    }

    /**
     * The shared connections of a new backend: {@code connections-per-backend} of them on the loops in turn, or,
     * with 0, one on each loop.
     */
    BackendConnection[] sharedConnections(String host, int port, Credentials credentials, ConnectionSetup setup) {
        if (options.connectionsPerBackend() > 0) {
            BackendConnection[] connections = new BackendConnection[options.connectionsPerBackend()];
            for (int i = 0; i < connections.length; i++) {
                connections[i] = connection(host, port, credentials, setup, false);
            }
            return connections;
        }
        java.util.List<BackendConnection> perLoop = new ArrayList<>();
        for (io.netty.util.concurrent.EventExecutor loop : group) {
            perLoop.add(new BackendConnection(
                    host, port, (io.netty.channel.EventLoop) loop, this, options, metrics, credentials, setup, false));
        }
        return perLoop.toArray(BackendConnection[]::new);
    }

    BackendConnection connection(
            String host, int port, Credentials credentials, ConnectionSetup setup, boolean dedicated) {
        return new BackendConnection(host, port, group.next(), this, options, metrics, credentials, setup, dedicated);
    }

    /** Who is told of backends in trouble (the server: passive health, and the router's topology). */
    public void onTrouble(TroubleListener listener) {
        this.trouble = listener;
    }

    void trouble(String host, int port, String reason, boolean refused) {
        trouble.trouble(host, port, reason, refused);
    }

    /** TLS to the backends, or null. */
    public BackendTls tls() {
        return tls;
    }

    /** Adds a command each new connection sends before any request. */
    public void greetWith(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("a greeting needs at least a command name");
        }
        greeting.add(List.copyOf(command));
    }

    /** The greeting commands, freshly encoded for one new connection, which owns them. */
    List<ByteBuf> greeting() {
        if (greeting.isEmpty()) {
            return List.of();
        }
        List<ByteBuf> frames = new ArrayList<>(greeting.size());
        for (List<String> command : greeting) {
            frames.add(RespWriter.command(ByteBufAllocator.DEFAULT, command));
        }
        return frames;
    }

    /** A client bootstrap with the backend options (connect timeout, TCP_NODELAY) on {@code loop}. */
    public Bootstrap bootstrap(io.netty.channel.EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        options.connectTimeout().toMillis());
    }
}
