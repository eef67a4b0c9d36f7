package io.puerta.runtime.frontdoor;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A client-facing listener: accepts connections and hands each to its {@link FrontDoor}. Graceful shutdown knows
 * the clients only by their {@link ClientHandle}, so it drains every protocol alike.
 */
public final class Listener implements AutoCloseable {

    private static final AttributeKey<ClientHandle> HANDLE = AttributeKey.valueOf("puerta.client");

    private final Channel serverChannel;
    private final ChannelGroup clients = new DefaultChannelGroup("puerta-clients", GlobalEventExecutor.INSTANCE);

    public Listener(Settings settings, EventLoopGroup group, Transport transport, FrontDoor frontDoor)
            throws InterruptedException {
        int highWater = settings.limits().clientOutputBufferBytes();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, settings.listen().backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(highWater / 2, highWater))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.attr(HANDLE).set(frontDoor.open(ch));
                        clients.add(ch);
                    }
                });
        serverChannel = bootstrap
                .bind(settings.listen().host(), settings.listen().port())
                .sync()
                .channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting new connections. */
    public void stopAccepting() {
        serverChannel.close().syncUninterruptibly();
    }

    /**
     * Stops reading from every client and waits, up to {@code timeout}, for the replies they are owed to be
     * written. Returns the number of replies still owed.
     */
    public long drain(Duration timeout) throws InterruptedException {
        for (Channel client : clients) {
            ClientHandle handle = client.attr(HANDLE).get();
            if (handle != null) {
                handle.stopReading();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long owed;
        while ((owed = repliesOwed()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return owed;
    }

    private long repliesOwed() {
        long total = 0;
        for (Channel client : clients) {
            ClientHandle handle = client.attr(HANDLE).get();
            if (handle != null) {
                total += handle.repliesOwed();
            }
        }
        return total;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        clients.close().syncUninterruptibly();
    }
}
