package io.puerta.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.puerta.runtime.protocol.resp.RespLimits;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespRequestDecoder;
import io.puerta.runtime.protocol.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** RESP on the hot path: decoding client requests (per command, 64 pipelined) and encoding split parts. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RespCodecBenchmark {

    private static final int PIPELINE = 64;

    private EmbeddedChannel channel;
    private ByteBuf input;
    private final List<byte[]> mget = List.of(
            "MGET".getBytes(StandardCharsets.US_ASCII),
            "user:1000".getBytes(StandardCharsets.US_ASCII),
            "user:1001".getBytes(StandardCharsets.US_ASCII),
            "user:1002".getBytes(StandardCharsets.US_ASCII));

    @Setup
    public void setup() {
        channel = new EmbeddedChannel(
                new RespRequestDecoder(Fixtures.CLIENT, new RespLimits(1 << 20, 64 << 20, 64 << 10, 128L << 20)));
        input = Unpooled.directBuffer().writeBytes(Fixtures.pipelinedSets(PIPELINE));
    }

    @Benchmark
    @OperationsPerInvocation(PIPELINE)
    public void decodePipelinedSet(Blackhole hole) {
        channel.writeInbound(input.retainedDuplicate());
        RespRequest request;
        while ((request = channel.readInbound()) != null) {
            hole.consume(request.name());
            request.release();
        }
    }

    @Benchmark
    public void encodeMgetPart(Blackhole hole) {
        ByteBuf encoded = RespWriter.array(ByteBufAllocator.DEFAULT, mget);
        hole.consume(encoded.readableBytes());
        encoded.release();
    }
}
