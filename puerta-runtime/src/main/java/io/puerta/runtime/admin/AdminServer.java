package io.puerta.runtime.admin;

import com.codahale.metrics.MetricRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.frontdoor.ServerTls;
import io.puerta.runtime.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener: HTTP/1.1 on its own port and its own event loop (one thread), so that a scraper or an open
 * status page never takes time from clients. Requests are small (64 KiB at most) and idle connections close.
 */
public final class AdminServer implements AutoCloseable {

    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;
    private final ServerTls tls;

    /** @param listenTls the client listener's TLS settings, whose certificate HTTPS uses (with settings.tls()) */
    public AdminServer(
            Settings.Admin settings,
            Settings.Tls listenTls,
            Transport transport,
            AdminView view,
            MetricRegistry metrics)
            throws InterruptedException {
        this.tls = settings.tls() && listenTls != null ? ServerTls.start(listenTls) : null;
        this.group = transport.group(1, "puerta-admin");
        AdminHandler.Shared shared =
                new AdminHandler.Shared(view, new MetricsExposition(metrics, view), settings.token());
        try {
            this.channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannel())
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                            }
                            ch.pipeline()
                                    .addLast(new ReadTimeoutHandler(60, TimeUnit.SECONDS))
                                    .addLast(new HttpServerCodec())
                                    .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                    .addLast(new AdminHandler(shared));
                        }
                    })
                    .bind(settings.host(), settings.port())
                    .sync()
                    .channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Whether it speaks HTTPS. */
    public boolean https() {
        return tls != null;
    }

    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
