package io.puerta.runtime.frontdoor;

import com.codahale.metrics.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.puerta.runtime.transport.RemoteAddress;
import io.puerta.spi.request.ClientInfo;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every front door's client connection is, whatever its protocol: an id unique across protocols, the remote
 * address (as routers see it, through {@link ClientInfo}), the connected-clients count, and how a failing socket
 * ends. The protocol handles reading and replying.
 */
public abstract class ClientConnectionBase extends ChannelInboundHandlerAdapter implements ClientInfo, ClientHandle {

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionBase.class);
    private static final QuietWarning FAILED = new QuietWarning(log);
    private static final AtomicLong IDS = new AtomicLong();

    protected final long id = IDS.incrementAndGet();
    protected final Channel channel;
    protected final String remoteHost;
    protected final int remotePort;
    private final Counter connected;

    /** Taking no more requests (a malformed frame, a drain, the end): what arrives is dropped. Event loop only. */
    protected boolean closing;

    protected ClientConnectionBase(Channel channel, Counter connected) {
        this.channel = channel;
        this.connected = connected;
        RemoteAddress remote = RemoteAddress.of(channel);
        this.remoteHost = remote.host();
        this.remotePort = remote.port();
    }

    /** The event loop this client's connection is served on. */
    public final io.netty.channel.EventLoop loop() {
        return channel.eventLoop();
    }

    @Override
    public final long connectionId() {
        return id;
    }

    @Override
    public final String remoteHost() {
        return remoteHost;
    }

    @Override
    public final int remotePort() {
        return remotePort;
    }

    @Override
    public final void close() {
        channel.close();
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        read(msg);
    }

    /** A decoded message (a request, or the decoder's report of a malformed frame), which this handler now owns. */
    protected abstract void read(Object msg);

    /** For a message no decoder of this front door produces: a runtime bug. Releases it. */
    protected static IllegalStateException unexpected(Object msg) {
        ReferenceCountUtil.release(msg);
        return new IllegalStateException("unexpected message " + msg.getClass().getName());
    }

    /**
     * The client shut its side (half-close): no request will follow, but every reply owed is still written, then
     * the connection closes, as Redis does. Event loop.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            inputShutdown();
        }
        ctx.fireUserEventTriggered(event);
    }

    /** No more input: close once what is owed is written. Event loop. */
    protected abstract void inputShutdown();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connected.inc();
        ctx.fireChannelActive();
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) {
        connected.dec();
        closed();
        ctx.fireChannelInactive();
    }

    /** The connection closed: release what the protocol still holds for it and tell the router. */
    protected abstract void closed();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("client {}:{} connection failed: {}", remoteHost, remotePort, cause.getMessage());
        } else {
            // at WARN once per interval (the stack trace at DEBUG): a flood of failures stays a few lines
            FAILED.warn("client " + remoteHost + ":" + remotePort + " connection failed: " + cause);
            log.debug("client {}:{} connection failed", remoteHost, remotePort, cause);
        }
        ctx.close();
    }
}
