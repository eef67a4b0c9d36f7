package io.puerta.bench.jmh;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.typesafe.config.Config;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.puerta.runtime.backend.BackendConnector;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.ReplyListener;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.config.WaitStrategyName;
import io.puerta.runtime.frontdoor.resp.PendingReply;
import io.puerta.runtime.frontdoor.resp.RespDispatcher;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.pipeline.EventLoopSink;
import io.puerta.runtime.pipeline.LoopRingSink;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RingSink;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.runtime.plugin.PluginDescriptor;
import io.puerta.runtime.plugin.Registered;
import io.puerta.runtime.protocol.resp.RespLimits;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespRequestDecoder;
import io.puerta.runtime.transport.Transport;
import io.puerta.spi.PluginContext;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hand-off from an I/O thread to routing: a batch of 64 decoded requests, read on an event loop, published and
 * answered by the routing stage. {@code ring-per-loop} ({@link LoopRingSink}, the default): the loop's own ring,
 * drained by the loop after the turn that read them; {@code ring} ({@link RingSink}): one ring to the routing thread;
 * {@code event-loop} ({@link EventLoopSink}): routed on the loop as read, under the stage's lock. The router answers
 * at once, so this is the cost of the hand-off itself. Each batch is one task handed to the loop, in every mode.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBenchmark {

    private static final int BATCH = 64;
    private static final ByteBuffer OK = ByteBuffer.wrap("+OK\r\n".getBytes(StandardCharsets.US_ASCII));

    @Param({"ring-per-loop", "ring", "event-loop"})
    public String mode;

    /** Only {@code ring} has a thread that waits: the others ignore it. */
    @Param({"signal-when-asleep", "timeout-blocking", "yielding"})
    public String waitStrategy;

    private DefaultEventLoop loop;

    private RequestSink sink;
    private RespDispatcher dispatcher;
    private EmbeddedChannel decoder;
    private ByteBuf input;
    private final AtomicInteger answered = new AtomicInteger();
    private final ReplyListener listener = answered::incrementAndGet;

    @Setup(Level.Trial)
    public void setup() {
        Router router = request -> RouteDecision.respond(OK);
        RouterFactory factory = new RouterFactory() {
            @Override
            public String name() {
                return "bench";
            }

            @Override
            public Protocol protocol() {
                return Protocol.RESP;
            }

            @Override
            public Router create(Config config, PluginContext context) {
                return router;
            }
        };
        RouterGuard guard = new RouterGuard(
                router,
                new Registered<>(
                        "bench",
                        factory,
                        new PluginDescriptor("bench", List.of(), getClass().getClassLoader())),
                new Counter());
        Settings.BackendOptions options = new Settings.BackendOptions(
                1, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(200), 1024);
        BackendRegistry backends = new BackendRegistry(
                List.of(),
                new BackendConnector(null, Transport.NIO, options, new RuntimeMetrics(new MetricRegistry())),
                options);
        WaitStrategyName wait = WaitStrategyName.fromConfigName(waitStrategy).orElseThrow();
        Settings.Pipeline pipeline =
                new Settings.Pipeline(16384, wait, 256, io.puerta.runtime.config.PipelineMode.RING);
        sink = switch (mode) {
            case "ring" -> new RingSink(pipeline);
            case "ring-per-loop" -> new LoopRingSink(16384, 256);
            default -> new EventLoopSink(256, 16384);
        };
        loop = new DefaultEventLoop();
        dispatcher = new RespDispatcher(guard, backends, sink);
        decoder = new EmbeddedChannel(
                new RespRequestDecoder(Fixtures.CLIENT, new RespLimits(1 << 20, 64 << 20, 64 << 10, 128L << 20)));
        input = Unpooled.directBuffer().writeBytes(Fixtures.pipelinedSets(BATCH));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        sink.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void handOffAndAnswer() {
        List<PendingReply> replies = new ArrayList<>(BATCH);
        answered.set(0);
        loop.execute(() -> readBatch(replies)); // a turn of the loop reads the batch, as an I/O thread would
        while (answered.get() < BATCH) {
            Thread.onSpinWait();
        }
        for (PendingReply reply : replies) {
            reply.takeReply().release();
        }
    }

    private void readBatch(List<PendingReply> replies) {
        decoder.writeInbound(input.retainedDuplicate());
        RespRequest request;
        while ((request = decoder.readInbound()) != null) {
            PendingReply reply = new PendingReply(listener, false);
            replies.add(reply);
            while (!sink.tryPublish(dispatcher, request, reply)) {
                Thread.onSpinWait();
            }
        }
        sink.endOfRead();
    }
}
