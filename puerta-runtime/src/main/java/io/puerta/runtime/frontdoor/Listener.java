package io.puerta.runtime.frontdoor;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.transport.Transport;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client-facing listener: admits connections ({@link Admission}: allow-list, client limits) and hands each to its
 * {@link FrontDoor}; disconnects idle clients. Graceful shutdown knows the clients only by their
 * {@link ClientHandle}, so it drains every protocol alike.
 */
public final class Listener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Listener.class);
    private static final AttributeKey<ClientHandle> HANDLE = AttributeKey.valueOf("puerta.client");

    private final Channel serverChannel;
    private final ChannelGroup clients = new DefaultChannelGroup("puerta-clients", GlobalEventExecutor.INSTANCE);
    private final Admission admission;

    public Listener(
            Settings settings, EventLoopGroup group, Transport transport, FrontDoor frontDoor, MetricRegistry metrics)
            throws InterruptedException {
        this.admission =
                new Admission(settings.listen(), maxClients(settings.listen().maxClients()), metrics);
        Counter idleClosed = metrics.counter("puerta.clients.idle-closed");
        long idleMillis = settings.listen().idleTimeout().toMillis();
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
                        String refused = admission.admit(ch);
                        if (refused != null) {
                            ch.pipeline().addLast("refusal", new Refusal(frontDoor, refused));
                            return;
                        }
                        ClientHandle handle = frontDoor.open(ch);
                        ch.attr(HANDLE).set(handle);
                        if (idleMillis > 0) {
                            ch.pipeline().addFirst("idle-close", new IdleClose(idleMillis, handle, idleClosed));
                        }
                        clients.add(ch);
                    }
                });
        serverChannel = bootstrap
                .bind(settings.listen().host(), settings.listen().port())
                .sync()
                .channel();
    }

    /**
     * The client limit in force: the configured one, lowered to leave room below the process's descriptor limit for
     * backend connections, files and the JVM, so that a client past it is told so rather than left hanging.
     */
    static int maxClients(int configured) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix)) {
            return configured;
        }
        long descriptors = unix.getMaxFileDescriptorCount();
        long room = descriptors - Math.max(256, descriptors / 10);
        if (room < configured) {
            int lowered = (int) Math.max(1, room);
            log.warn(
                    "puerta.listen.max-clients = {} but this process may open {} files: at most {} clients (raise the"
                            + " limit, e.g. ulimit -n, to allow more)",
                    configured,
                    descriptors,
                    lowered);
            return lowered;
        }
        return configured;
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

    /** Tells a client refused at the door why, in its protocol when it has a way to, then disconnects it. */
    private static final class Refusal extends ChannelInboundHandlerAdapter {
        private final FrontDoor frontDoor;
        private final String message;

        Refusal(FrontDoor frontDoor, String message) {
            this.frontDoor = frontDoor;
            this.message = message;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ByteBuf reply = frontDoor.refusal(ctx.alloc(), message);
            ctx.writeAndFlush(reply == null ? Unpooled.EMPTY_BUFFER : reply).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // whatever it sent meanwhile goes unread
        }
    }

    /** Disconnects a client idle for the timeout, unless it is owed a reply (a blocked or subscribed client). */
    private static final class IdleClose extends IdleStateHandler {
        private final ClientHandle handle;
        private final Counter closed;

        IdleClose(long idleMillis, ClientHandle handle, Counter closed) {
            super(0, 0, idleMillis, TimeUnit.MILLISECONDS);
            this.handle = handle;
            this.closed = closed;
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
            if (handle.repliesOwed() == 0) {
                closed.inc();
                ctx.close();
            }
        }
    }
}
