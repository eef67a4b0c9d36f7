package io.puerta.runtime.frontdoor.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.puerta.runtime.backend.BackendConnector;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.ReplySlot;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.frontdoor.ClientHandle;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.testing.RecordingSink;
import io.puerta.runtime.testing.TestingRouterGuard;
import io.puerta.runtime.transport.Transport;
import io.puerta.spi.routing.RouteDecision;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A RESP client connection on an {@link EmbeddedChannel}, with a sink that records what it publishes: replies are
 * written in request order whatever order they complete in, a full sink pauses reading without losing anything, a
 * malformed frame is answered after the replies owed before it, and a drain waits for what is owed.
 */
class ClientConnectionTest {

    private static final String PING = "*1\r\n$4\r\nPING\r\n";

    private final RecordingSink sink = new RecordingSink();
    private final RuntimeMetrics metrics = new RuntimeMetrics(new MetricRegistry());
    private EmbeddedChannel channel;
    private ClientHandle client;

    @BeforeEach
    void open() {
        open(64);
    }

    private void open(int maxPending) {
        Settings.Limits limits =
                new Settings.Limits(1024, 1 << 20, 1 << 16, 1 << 20, 1 << 20, 32, maxPending, 1 << 20, 8);
        Settings.BackendOptions options = new Settings.BackendOptions(
                1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(100), 16);
        BackendRegistry backends =
                new BackendRegistry(List.of(), new BackendConnector(null, Transport.NIO, options, metrics), options);
        RespFrontDoor door = new RespFrontDoor(
                sink,
                TestingRouterGuard.of(request -> RouteDecision.fail("unused"), new Counter()),
                backends,
                limits,
                metrics,
                null);
        // as the listener does: the front door sets the channel up once registered, before it is active
        channel = new EmbeddedChannel(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                client = door.open(ch);
            }
        });
    }

    @AfterEach
    void close() {
        sink.close();
        channel.finishAndReleaseAll();
    }

    @Test
    void repliesAreWrittenInRequestOrderWhateverOrderTheyCompleteIn() {
        channel.writeInbound(Unpooled.copiedBuffer(PING + PING + PING, StandardCharsets.US_ASCII));
        assertEquals(3, sink.published.size());
        assertEquals(3, client.repliesOwed());

        complete(2, "+third\r\n");
        assertNull(channel.readOutbound(), "nothing before the first reply");
        complete(0, "+first\r\n");
        assertEquals("+first\r\n", readReply());
        assertNull(channel.readOutbound());
        complete(1, "+second\r\n");
        assertEquals("+second\r\n+third\r\n", readReply(), "the replies of one drain, in one buffer");
        assertNull(channel.readOutbound());
        assertEquals(0, client.repliesOwed());
        assertTrue(channel.isActive());
    }

    @Test
    void aFullSinkPausesReadingAndKeepsTheRequestsInOrder() {
        sink.full = true;
        channel.writeInbound(Unpooled.copiedBuffer(PING + "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", StandardCharsets.US_ASCII));
        assertTrue(sink.published.isEmpty());
        assertFalse(channel.config().isAutoRead(), "no more reading while requests wait");
        assertEquals(1, metrics.ringFull().getCount());

        sink.full = false;
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(
                List.of("PING", "GET"),
                sink.published.stream()
                        .map(p -> ((RespRequest) p.message()).name())
                        .toList());
        assertTrue(channel.config().isAutoRead(), "reading again once the backlog is in");
    }

    @Test
    void aMalformedFrameIsAnsweredAfterTheRepliesOwedThenTheConnectionCloses() {
        channel.writeInbound(Unpooled.copiedBuffer(PING + "*1\r\n$x\r\n", StandardCharsets.US_ASCII));
        assertEquals(1, sink.published.size());
        assertTrue(channel.isActive(), "still owes the PING its reply");
        complete(0, "+PONG\r\n");
        assertEquals("+PONG\r\n", readReply());
        assertTrue(readReply().startsWith("-ERR Protocol error"));
        assertFalse(channel.isActive());
        assertEquals(1, metrics.protocolErrors().getCount());
    }

    @Test
    void aClientPastTheHardLimitIsToldWhyAndDisconnected() {
        close();
        open(2);
        channel.writeInbound(Unpooled.copiedBuffer(PING + PING + PING, StandardCharsets.US_ASCII));
        assertEquals(2, sink.published.size());
        complete(0, "+a\r\n");
        complete(1, "+b\r\n");
        assertEquals("+a\r\n", readReply());
        assertEquals("+b\r\n", readReply());
        assertTrue(readReply().contains("too many requests waiting for replies"));
        assertFalse(channel.isActive());
        assertEquals(1, metrics.overflows().getCount());
    }

    @Test
    void stoppingWaitsForTheRepliesOwedThenCloses() {
        channel.writeInbound(Unpooled.copiedBuffer(PING, StandardCharsets.US_ASCII));
        client.stopReading();
        channel.runPendingTasks();
        assertTrue(channel.isActive(), "a reply is still owed");
        assertFalse(channel.config().isAutoRead());
        assertEquals(1, client.repliesOwed());
        complete(0, "+PONG\r\n");
        assertEquals("+PONG\r\n", readReply());
        assertFalse(channel.isActive());
    }

    @Test
    void aClientThatHalfClosesGetsEveryReplyOwedThenTheConnectionCloses() {
        channel.writeInbound(Unpooled.copiedBuffer(PING + PING, StandardCharsets.US_ASCII));
        channel.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        assertTrue(channel.isActive(), "two replies are owed");
        complete(1, "+second\r\n");
        complete(0, "+first\r\n");
        assertEquals("+first\r\n+second\r\n", readReply());
        assertFalse(channel.isActive(), "closed once the last reply is written");
    }

    @Test
    void aClientThatLeavesReleasesWhatWaitedAndTellsTheRouter() {
        sink.full = true;
        channel.writeInbound(Unpooled.copiedBuffer(PING, StandardCharsets.US_ASCII));
        sink.full = false;
        channel.close();
        // the request that never reached the routing stage was released (paranoid leak detection would say so)
        assertTrue(sink.published.isEmpty());
        assertEquals(1, sink.controls.size(), "the router hears that the client left");
        assertEquals(0, metrics.clientConnections().getCount());
    }

    @Test
    void aLargeReplyIsWrittenAsItIsBetweenGatheredSmallOnes() {
        channel.writeInbound(Unpooled.copiedBuffer(PING.repeat(5), StandardCharsets.US_ASCII));
        String large = "+" + "x".repeat(io.puerta.runtime.transport.WriteCoalescer.SMALL) + "\r\n";
        complete(4, "+e\r\n");
        complete(3, "+d\r\n");
        complete(2, large);
        complete(1, "+b\r\n");
        complete(0, "+a\r\n");
        assertEquals("+a\r\n+b\r\n", readReply(), "the small replies before the large one, gathered");
        assertEquals(large, readReply(), "the large one by itself");
        assertEquals("+d\r\n+e\r\n", readReply());
        assertNull(channel.readOutbound());
        assertEquals(0, client.repliesOwed());
    }

    @Test
    void aLoneReplyIsWrittenAsItIs() {
        channel.writeInbound(Unpooled.copiedBuffer(PING, StandardCharsets.US_ASCII));
        ByteBuf reply = Unpooled.copiedBuffer("+PONG\r\n", StandardCharsets.US_ASCII);
        RecordingSink.Published published = sink.published.get(0);
        ((RespRequest) published.message()).release();
        ((ReplySlot) published.context()).complete(reply);
        channel.runPendingTasks();
        ByteBuf written = channel.readOutbound();
        try {
            assertSame(reply, written, "one reply is not copied");
        } finally {
            written.release();
        }
    }

    /** Answers published request {@code index} as a backend would, from the routing stage's side. */
    private void complete(int index, String reply) {
        RecordingSink.Published published = sink.published.get(index);
        ((RespRequest) published.message()).release();
        ((ReplySlot) published.context()).complete(Unpooled.copiedBuffer(reply, StandardCharsets.US_ASCII));
        channel.runPendingTasks();
    }

    private String readReply() {
        ByteBuf reply = channel.readOutbound();
        if (reply == null) {
            return null;
        }
        try {
            return reply.toString(StandardCharsets.UTF_8);
        } finally {
            reply.release();
        }
    }
}
