package io.puerta.bench.jmh;

import io.puerta.plugin.pikiwidb.hash.KeyHash;
import io.puerta.plugin.pikiwidb.ring.Distribution;
import io.puerta.plugin.pikiwidb.ring.KeyRing;
import io.puerta.plugin.pikiwidb.ring.RingServer;
import io.puerta.plugin.redis.cluster.HashSlot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Where a key goes: Redis Cluster's CRC16 slot, and a ketama lookup over three servers (twemproxy's default). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KeyPlacementBenchmark {

    private final byte[][] keys = new byte[1024][];
    private KeyRing ketama;
    private int next;

    @Setup
    public void setup() {
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ("key:" + (1_000_000 + i * 7919)).getBytes(StandardCharsets.US_ASCII);
        }
        List<RingServer> servers = List.of(
                new RingServer("127.0.0.1:6381", 1, 0),
                new RingServer("127.0.0.1:6382", 1, 1),
                new RingServer("127.0.0.1:6383", 1, 2));
        ketama = new KeyRing(KeyHash.FNV1A_64, Distribution.Kind.KETAMA.build(servers), "", 3, 0);
    }

    private byte[] key() {
        next = (next + 1) & (keys.length - 1);
        return keys[next];
    }

    @Benchmark
    public int crc16Slot() {
        return HashSlot.of(key());
    }

    @Benchmark
    public int ketamaLookup() {
        return ketama.serverFor(key());
    }
}
