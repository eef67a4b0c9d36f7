package io.puerta.runtime.frontdoor;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts the bytes clients send and are sent, at the head of every client pipeline (as on the wire). */
@ChannelHandler.Sharable
final class ByteCounter extends ChannelDuplexHandler {

    private final Counter in;
    private final Counter out;

    ByteCounter(Counter in, Counter out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            in.inc(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            out.inc(buf.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
