package io.puerta.runtime.frontdoor.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.puerta.runtime.backend.BackendConnector;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.ReplySlot;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.config.WaitStrategyName;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RingSink;
import io.puerta.runtime.protocol.resp.RespLimits;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespRequestDecoder;
import io.puerta.runtime.protocol.resp.RespWriter;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.ScriptedRespPeer;
import io.puerta.runtime.testing.TestingClient;
import io.puerta.runtime.testing.TestingRouterGuard;
import io.puerta.runtime.transport.Transport;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.Request;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.Redirect;
import io.puerta.spi.routing.RedirectAware;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.SplitPart;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RESP front door's routing-stage handler with small routers of our own, through the real ring and real backend
 * connections to real redis-servers: forwarding, the router's own answers and failures, splits, and MOVED / ASK
 * redirections (from a scripted peer, since a standalone server never redirects) followed without the client seeing
 * them.
 */
class RespDispatcherTest {

    private static final ClientInfo CLIENT = TestingClient.loopback(7);

    private static RedisServerProcess first;
    private static RedisServerProcess second;

    private final RuntimeMetrics metrics = new RuntimeMetrics(new MetricRegistry());
    private final Counter failures = new Counter();
    private EventLoopGroup loops;
    private BackendRegistry backends;
    private RequestSink sink;
    private RespDispatcher dispatcher;

    @BeforeAll
    static void startServers() {
        first = RedisServerProcess.start();
        second = RedisServerProcess.start();
    }

    @AfterAll
    static void stopServers() {
        first.close();
        second.close();
    }

    private void start(Router router) {
        loops = Transport.NIO.group(1, "test-backend");
        Settings.BackendOptions options = new Settings.BackendOptions(
                1, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(100), 64);
        backends =
                new BackendRegistry(List.of(), new BackendConnector(loops, Transport.NIO, options, metrics), options);
        sink = new RingSink(new Settings.Pipeline(
                64, WaitStrategyName.TIMEOUT_BLOCKING, 16, io.puerta.runtime.config.PipelineMode.RING));
        dispatcher = new RespDispatcher(TestingRouterGuard.of(router, failures), backends, sink);
    }

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.close();
            backends.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private Backend at(int port) {
        return backends.backend("127.0.0.1", port);
    }

    @Test
    void aRequestGoesToTheBackendTheRouterNamesAndItsReplyComesBack() throws Exception {
        start(request -> RouteDecision.forward(at(first.port())));
        assertEquals("+OK\r\n", send("SET", "k", "v"));
        assertEquals("$1\r\nv\r\n", send("GET", "k"));
    }

    @Test
    void theRoutersOwnAnswersRefusalsAndFailuresReachTheClient() throws Exception {
        start(request -> switch (((io.puerta.spi.request.RespCommand) request).argString(1)) {
            case "answer" -> RouteDecision.respond(ByteBuffer.wrap("+here\r\n".getBytes(StandardCharsets.UTF_8)));
            case "refuse" -> RouteDecision.fail("not today");
            default -> throw new IllegalStateException("router bug");
        });
        assertEquals("+here\r\n", send("X", "answer"));
        assertEquals("-ERR not today\r\n", send("X", "refuse"));
        assertTrue(send("X", "crash").startsWith("-ERR router 'test' failed: java.lang.IllegalStateException"));
        assertEquals(1, failures.getCount(), "a plugin failure is counted");
    }

    @Test
    void aSplitGoesToEachServerAndTheRepliesAreMergedInKeyOrder() throws Exception {
        start(request -> {
            String command = ((io.puerta.spi.request.RespCommand) request).name();
            List<SplitPart> parts = List.of(
                    new SplitPart(
                            at(first.port()), args(command, "a", command.equals("MSET") ? "1" : null), List.of(0)),
                    new SplitPart(
                            at(second.port()), args(command, "b", command.equals("MSET") ? "2" : null), List.of(1)));
            return new RouteDecision.Split(
                    parts, command.equals("MSET") ? MergeKind.ALL_OK : MergeKind.ARRAY_BY_POSITION);
        });
        assertEquals("+OK\r\n", send("MSET", "a", "1", "b", "2"));
        assertEquals("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", send("MGET", "a", "b"));
    }

    @Test
    void movedIsFollowedToTheNamedNodeAndTheRouterIsTold() throws Exception {
        try (ScriptedRespPeer moved = ScriptedRespPeer.start(args -> "-MOVED 42 127.0.0.1:" + first.port() + "\r\n")) {
            RedirectRouter router = new RedirectRouter(this::at, moved.port());
            start(router);
            assertEquals("+OK\r\n", send("SET", "moved", "yes"));
            assertEquals("$3\r\nyes\r\n", send("GET", "moved"));
            Await.until("the router hears of the redirections", () -> router.redirects.size() == 2);
            Redirect redirect = router.redirects.get(0);
            assertTrue(redirect.moved());
            assertEquals(42, redirect.slot());
            assertEquals(first.port(), redirect.target().port());
        }
    }

    @Test
    void askIsFollowedForThatRequestAlone() throws Exception {
        try (ScriptedRespPeer asking = ScriptedRespPeer.start(args -> "-ASK 7 127.0.0.1:" + first.port() + "\r\n")) {
            RedirectRouter router = new RedirectRouter(this::at, asking.port());
            start(router);
            assertEquals("+OK\r\n", send("SET", "asked", "yes"));
            Await.until("the router hears of the redirection", () -> router.redirects.size() == 1);
            assertFalse(router.redirects.get(0).moved());
        }
    }

    @Test
    void redirectionsAreBoundedAndTheLastIsPassedOn() throws Exception {
        // every redirection points back at the same peer
        ScriptedRespPeer[] self = {null};
        try (ScriptedRespPeer circular =
                ScriptedRespPeer.start(args -> "-MOVED 1 127.0.0.1:" + self[0].port() + "\r\n")) {
            self[0] = circular;
            start(new RedirectRouter(this::at, circular.port()));
            assertEquals("-MOVED 1 127.0.0.1:" + circular.port() + "\r\n", send("GET", "k"));
            assertEquals(3, circular.commands(), "the request, then two redirections (max-redirects = 2)");
        }
    }

    /** A router for a cluster-like backend: everything to one node, redirections followed twice at most. */
    private static final class RedirectRouter implements Router, RedirectAware {
        final List<Redirect> redirects = Collections.synchronizedList(new ArrayList<>());
        private final Function<Integer, Backend> backends;
        private final int port;

        RedirectRouter(Function<Integer, Backend> backends, int port) {
            this.backends = backends;
            this.port = port;
        }

        @Override
        public RouteDecision route(Request request) {
            return RouteDecision.forward(backends.apply(port));
        }

        @Override
        public int maxRedirects() {
            return 2;
        }

        @Override
        public void redirected(Redirect redirect) {
            redirects.add(redirect);
        }
    }

    /** Sends one command through the dispatcher, as the RESP front door does, and waits for its reply. */
    private String send(String... args) throws Exception {
        List<byte[]> bytes = new ArrayList<>();
        for (String arg : args) {
            bytes.add(arg.getBytes(StandardCharsets.UTF_8));
        }
        EmbeddedChannel decoder =
                new EmbeddedChannel(new RespRequestDecoder(CLIENT, new RespLimits(1024, 1 << 20, 1 << 16, 1 << 20)));
        decoder.writeInbound(RespWriter.array(io.netty.buffer.ByteBufAllocator.DEFAULT, bytes));
        RespRequest request = decoder.readInbound();
        CompletableFuture<String> reply = new CompletableFuture<>();
        ReplySlot slot = new ReplySlot() {
            @Override
            public void complete(ByteBuf bytes) {
                reply.complete(bytes.toString(StandardCharsets.UTF_8));
                bytes.release();
            }
        };
        Await.until("room in the ring", () -> sink.tryPublish(dispatcher, request, slot));
        decoder.finishAndReleaseAll();
        return reply.get(10, TimeUnit.SECONDS);
    }

    private static List<byte[]> args(String... args) {
        List<byte[]> bytes = new ArrayList<>();
        for (String arg : args) {
            if (arg != null) {
                bytes.add(arg.getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes;
    }
}
