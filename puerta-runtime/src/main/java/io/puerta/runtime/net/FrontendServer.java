package io.puerta.runtime.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.pipeline.RequestRing;
import io.puerta.runtime.pipeline.RuntimeMetrics;
import io.puerta.runtime.protocol.resp.RespLimits;
import io.puerta.runtime.protocol.resp.RespRequestDecoder;
import java.net.InetSocketAddress;
import java.time.Duration;

/** The client-facing listener: accepts connections and gives each a decoder and a {@link ClientConnection}. */
public final class FrontendServer implements AutoCloseable {

    private final Channel serverChannel;
    private final ChannelGroup clients = new DefaultChannelGroup("puerta-clients", GlobalEventExecutor.INSTANCE);

    /**
     * @param otherProtocol sets up a new client channel for a protocol other than RESP (MongoDB); null for RESP
     */
    public FrontendServer(
            Settings settings,
            EventLoopGroup group,
            Transport transport,
            RequestRing ring,
            RuntimeMetrics metrics,
            java.util.function.Consumer<Channel> otherProtocol)
            throws InterruptedException {
        Settings.Limits limits = settings.limits();
        RespLimits respLimits = new RespLimits(
                limits.maxArrayLength(), limits.maxBulkBytes(), limits.maxInlineBytes(), limits.maxRequestBytes());
        int highWater = limits.clientOutputBufferBytes();
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
                        clients.add(ch);
                        if (otherProtocol != null) {
                            otherProtocol.accept(ch);
                            return;
                        }
                        ClientConnection client = new ClientConnection(ch, ring, limits, metrics);
                        ch.pipeline().addLast("decoder", new RespRequestDecoder(client, respLimits));
                        ch.pipeline().addLast("client", client);
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
     * written. Returns the number of requests still outstanding.
     */
    public long drain(Duration timeout) throws InterruptedException {
        for (Channel client : clients) {
            ClientConnection connection = client.pipeline().get(ClientConnection.class);
            if (connection != null) {
                connection.stopReading();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long outstanding;
        while ((outstanding = outstanding()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return outstanding;
    }

    private long outstanding() {
        long total = 0;
        for (Channel client : clients) {
            ClientConnection connection = client.pipeline().get(ClientConnection.class);
            if (connection != null) {
                total += connection.outstanding();
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
