package io.puerta.bench.floor;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.puerta.runtime.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The floor of a Java proxy on this machine, for bench/run.sh: a minimal Netty relay with no ring, no parsing and no
 * routing. Each client connection gets its own backend connection (the servers taken in turn), on the client's own
 * event loop, and every read is written to the other side with one flush. What Puerta costs above this is what its
 * parsing, routing and pipeline cost; what this costs above twemproxy is the JVM and Netty's.
 *
 * <p>Usage: {@code NettyRelay <listen-port> <backend-port>...} (all on 127.0.0.1), as many I/O threads as Puerta's
 * default ({@link Transport#defaultLoops()}). It used to take Netty's default, twice the processors, which cost it
 * CPU per request and made the floor lower than it is.
 */
public final class NettyRelay {

    private NettyRelay() {}

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        List<Integer> backends = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            backends.add(Integer.parseInt(args[i]));
        }
        boolean epoll = Epoll.isAvailable();
        int threads = Transport.defaultLoops();
        EventLoopGroup loops = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        Channel server = new ServerBootstrap()
                .group(loops)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new Accept(backends, epoll))
                .bind("127.0.0.1", port)
                .sync()
                .channel();
        server.closeFuture().sync();
    }

    /** Gives each new client its own backend connection on the client's event loop, then starts reading. */
    @ChannelHandler.Sharable
    private static final class Accept extends ChannelInboundHandlerAdapter {
        private final List<Integer> backends;
        private final boolean epoll;
        private final AtomicInteger next = new AtomicInteger();

        Accept(List<Integer> backends, boolean epoll) {
            this.backends = backends;
            this.epoll = epoll;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            int backend = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
            new Bootstrap()
                    .group(client.eventLoop())
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Forward(client))
                    .connect("127.0.0.1", backend)
                    .addListener((ChannelFutureListener) connected -> {
                        if (!connected.isSuccess()) {
                            client.close();
                            return;
                        }
                        client.pipeline().addLast(new Forward(connected.channel()));
                        client.config().setAutoRead(true);
                    });
        }
    }

    /** Writes what one side reads to the other, and closes the other when one side closes. */
    private static final class Forward extends ChannelInboundHandlerAdapter {
        private final Channel to;

        Forward(Channel to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (to.isActive()) {
                to.writeAndFlush(message, to.voidPromise());
            } else {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            to.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
