package io.puerta.bench.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Why the routing stage batches: 64 requests for one backend written with one flush (one gathering write, one
 * syscall) against one flush per request (64 syscalls), over a real loopback socket drained by another thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FlushBenchmark {

    private static final int BATCH = 64;

    private ServerSocketChannel server;
    private SocketChannel writer;
    private Thread drain;
    private final ByteBuffer[] frames = new ByteBuffer[BATCH];

    @Setup(Level.Trial)
    public void setup() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        writer = SocketChannel.open(server.getLocalAddress());
        writer.setOption(StandardSocketOptions.TCP_NODELAY, true);
        SocketChannel reader = server.accept();
        drain = new Thread(() -> {
            ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
            try {
                while (reader.read(sink.clear()) >= 0) {
                    // discard, as a fast backend would
                }
            } catch (IOException closed) {
                // the benchmark ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        byte[] frame = "*3\r\n$3\r\nSET\r\n$10\r\nkey:100000\r\n$5\r\nvalue\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < BATCH; i++) {
            frames[i] = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        writer.close();
        server.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void flushPerRequest() throws IOException {
        for (ByteBuffer frame : frames) {
            ByteBuffer view = frame.duplicate();
            while (view.hasRemaining()) {
                writer.write(view);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void flushPerBatch() throws IOException {
        ByteBuffer[] views = new ByteBuffer[BATCH];
        long total = 0;
        for (int i = 0; i < BATCH; i++) {
            views[i] = frames[i].duplicate();
            total += views[i].remaining();
        }
        while (total > 0) {
            total -= writer.write(views);
        }
    }
}
