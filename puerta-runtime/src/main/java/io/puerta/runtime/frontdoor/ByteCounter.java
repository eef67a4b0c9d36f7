package io.puerta.runtime.frontdoor;

import com.codahale.metrics.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes clients send and are sent, at the head of every client pipeline (as on the wire).
 *
 * <p>One per connection: the bytes of a turn's replies are summed here and added to the shared counter once per
 * flush (bytes written and never flushed never reach the wire, and are not counted). The shared counters are
 * written by every I/O thread, and one addition per reply written made their cache line travel between the cores
 * for each of them (a few percent of the CPU at pipeline 16).
 */
final class ByteCounter extends ChannelDuplexHandler {

    private final Counter in;
    private final Counter out;
    private long unflushed; // the connection's event loop only

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
            unflushed += buf.readableBytes();
        }
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        countWritten();
        ctx.flush();
    }

    private void countWritten() {
        if (unflushed != 0) {
            out.inc(unflushed);
            unflushed = 0;
        }
    }
}
