package io.puerta.runtime.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.net.Transport;
import io.puerta.runtime.pipeline.RuntimeMetrics;

/** Creates backend connections: the shared bootstrap settings, and an event loop per connection. */
public final class BackendConnector {

    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final Settings.BackendOptions options;
    private final RuntimeMetrics metrics;

    public BackendConnector(
            EventLoopGroup group, Transport transport, Settings.BackendOptions options, RuntimeMetrics metrics) {
        this.group = group;
        this.channelClass = transport.clientChannel();
        this.options = options;
        this.metrics = metrics;
    }

    BackendConnection connection(String host, int port) {
        return new BackendConnection(host, port, group.next(), this, options, metrics);
    }

    Bootstrap bootstrap(io.netty.channel.EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        options.connectTimeout().toMillis());
    }
}
