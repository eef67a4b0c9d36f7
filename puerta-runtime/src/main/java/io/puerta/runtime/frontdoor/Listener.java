package io.puerta.runtime.frontdoor;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
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

    private final ChannelGroup clients = new DefaultChannelGroup("puerta-clients", GlobalEventExecutor.INSTANCE);
    private final Admission admission;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final EventLoopGroup group;
    private final Transport transport;
    private final FrontDoor frontDoor;
    private final Settings settings;
    private final Counter idleClosed;
    private final ServerTls tls;
    private final Channel plainChannel;
    private final Channel tlsChannel;

    /**
     * Opens the plain listener ({@code listen.port}) and, when configured, the TLS one ({@code listen.tls.port}), or
     * the TLS one alone ({@code listen.tls.only}).
     *
     * @throws IllegalArgumentException when the TLS files do not load
     */
    public Listener(
            Settings settings, EventLoopGroup group, Transport transport, FrontDoor frontDoor, MetricRegistry metrics)
            throws InterruptedException {
        this.settings = settings;
        this.group = group;
        this.transport = transport;
        this.frontDoor = frontDoor;
        this.bytesIn = metrics.counter("puerta.client.bytes-in");
        this.bytesOut = metrics.counter("puerta.client.bytes-out");
        this.admission = new Admission(
                settings.listen(),
                maxClients(settings.listen().maxClients()),
                metrics,
                frontDoor::heldBackendConnections);
        this.idleClosed = metrics.counter("puerta.clients.idle-closed");
        Settings.Tls tlsSettings = settings.listen().tls();
        this.tls = tlsSettings == null ? null : ServerTls.start(tlsSettings);
        Channel plain = null;
        try {
            plain = tlsSettings != null && tlsSettings.only()
                    ? null
                    : bind(settings.listen().port(), null);
            this.tlsChannel = tls == null ? null : bind(tlsSettings.port(), tls);
        } catch (InterruptedException | RuntimeException e) {
            if (plain != null) {
                plain.close().syncUninterruptibly();
            }
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
        this.plainChannel = plain;
    }

    private Channel bind(int port, ServerTls tls) throws InterruptedException {
        int highWater = settings.limits().clientOutputBufferBytes();
        long idleMillis = settings.listen().idleTimeout().toMillis();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, settings.listen().backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // a client that half-closes (sends, then shuts its side) is still owed its replies
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(highWater / 2, highWater))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            // first, so that even a refusal reaches the client encrypted
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addFirst("bytes", new ByteCounter(bytesIn, bytesOut));
                        String refused = admission.admit(ch);
                        if (refused != null) {
                            ch.pipeline().addLast("refusal", new Refusal(frontDoor, refused));
                            return;
                        }
                        ClientHandle handle = frontDoor.open(ch);
                        ch.attr(HANDLE).set(handle);
                        if (idleMillis > 0) {
                            IdleClose idle = new IdleClose(idleMillis, handle, idleClosed);
                            if (tls != null) {
                                ch.pipeline().addAfter("tls", "idle-close", idle);
                            } else {
                                ch.pipeline().addFirst("idle-close", idle);
                            }
                        }
                        clients.add(ch);
                    }
                });
        io.netty.channel.ChannelFuture bound =
                bootstrap.bind(settings.listen().host(), port).await();
        if (!bound.isSuccess()) {
            throw new IllegalStateException(cannotListen(
                    tls == null ? "puerta.listen.port" : "puerta.listen.tls.port",
                    settings.listen().host(),
                    port,
                    bound.cause()));
        }
        return bound.channel();
    }

    /**
     * Whether the listener's ports can be opened, checked before anything else starts (and by check-config): a port
     * in use is one clear line, not a stack trace after the backends were contacted.
     *
     * @return the problems, empty when every port is free
     */
    /** What the TLS listener's files would fail on at start (check-config): one line naming them, or none. */
    public static java.util.List<String> checkTls(Settings settings) {
        Settings.Tls tls = settings.listen().tls();
        if (tls == null) {
            return java.util.List.of();
        }
        try {
            ServerTls.build(tls);
            return java.util.List.of();
        } catch (IllegalArgumentException e) {
            return java.util.List.of(e.getMessage());
        }
    }

    public static java.util.List<String> checkPorts(Settings settings) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        Settings.Tls tls = settings.listen().tls();
        if (tls == null || !tls.only()) {
            checkPort(
                    "puerta.listen.port",
                    settings.listen().host(),
                    settings.listen().port(),
                    problems);
        }
        if (tls != null) {
            checkPort("puerta.listen.tls.port", settings.listen().host(), tls.port(), problems);
        }
        return problems;
    }

    private static void checkPort(String path, String host, int port, java.util.List<String> problems) {
        if (port == 0) {
            return; // any free port
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (java.io.IOException | RuntimeException e) {
            problems.add(cannotListen(path, host, port, e));
        }
    }

    private static String cannotListen(String path, String host, int port, Throwable cause) {
        String why = cause == null ? "failed" : cause.getMessage();
        if (why != null && why.toLowerCase(java.util.Locale.ROOT).contains("in use")) {
            why = "the address is already in use (is another Puerta or server listening there?)";
        }
        return path + ": cannot listen on " + host + ":" + port + ": " + why;
    }

    /**
     * The client limit in force: the configured one, lowered to leave room below the process's descriptor limit for
     * backend connections, files and the JVM, so that a client past it is told so rather than left hanging.
     */
    static int maxClients(int configured) {
        long descriptors = Descriptors.limit();
        int room = Descriptors.room();
        if (room < configured) {
            int lowered = room;
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

    /** The plain listener's address, or the TLS one's when there is no plain listener. */
    public InetSocketAddress address() {
        return (InetSocketAddress) (plainChannel != null ? plainChannel : tlsChannel).localAddress();
    }

    /** The TLS listener's address, or null without one. */
    /** Clients connected now. */
    public int clients() {
        return admission.connected();
    }

    /** Clients connected now, by source address. */
    public java.util.Map<String, Integer> clientsBySource() {
        return admission.bySource();
    }

    public InetSocketAddress tlsAddress() {
        return tlsChannel == null ? null : (InetSocketAddress) tlsChannel.localAddress();
    }

    /** Stops accepting new connections. */
    public void stopAccepting() {
        for (Channel server : new Channel[] {plainChannel, tlsChannel}) {
            if (server != null) {
                server.close().syncUninterruptibly();
            }
        }
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
        stopAccepting();
        clients.close().syncUninterruptibly();
        if (tls != null) {
            tls.close();
        }
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
