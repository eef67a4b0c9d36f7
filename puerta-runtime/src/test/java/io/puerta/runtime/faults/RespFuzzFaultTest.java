package io.puerta.runtime.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.FaultClock;
import io.puerta.runtime.testing.FaultReport;
import io.puerta.runtime.testing.FuzzConnection;
import io.puerta.runtime.testing.JedisLoad;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's RESP fuzzing: 10^5 mutated request frames (flipped bytes, huge and negative lengths, broken
 * line ends, truncations, nested arrays, garbage) from fuzzing clients, while a well-behaved Jedis load runs beside
 * them. The load must see no error and no wrong reply; every fuzzing connection must end (answered, then closed on
 * its first protocol error or after its half-close) and none hang; the proxy serves on.
 */
@Tag("faults")
class RespFuzzFaultTest {

    private static final int FRAMES = 100_000;
    private static final int FRAMES_PER_CONNECTION = 250;
    private static final String[][] COMMANDS = {
        {"PING"},
        {"SET", "zz1", "value"},
        {"GET", "zz1"},
        {"MGET", "zz1", "zz2", "zz3"},
        {"INCR", "zz4"},
        {"HSET", "zz5", "field", "value"},
        {"LPUSH", "zz6", "a", "b"},
        {"LRANGE", "zz6", "0", "-1"},
        {"EXISTS", "zz1", "zz2"},
        {"ECHO", "hello"},
        {"DEL", "zz7"},
        {"EXPIRE", "zz1", "100"},
    };

    @Test
    void fuzzedFramesDisturbNoOtherClient() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                TestProxy proxy = TestProxy.start(TestProxy.backends(redis), null)) {
            FaultClock clock = new FaultClock();
            AtomicLong sent = new AtomicLong();
            AtomicLong connections = new AtomicLong();
            AtomicLong hung = new AtomicLong();
            try (JedisLoad load = new JedisLoad(proxy.port(), clock, 2, 200, "good:")) {
                load.start();
                load.awaitOperations(1_000);
                clock.fault();
                List<Thread> fuzzers = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                for (int t = 0; t < 3; t++) {
                    Random random = new Random(t);
                    Thread fuzzer = new Thread(() -> {
                        while (sent.get() < FRAMES && System.nanoTime() < deadline) {
                            fuzzConnection(proxy.port(), random, hung);
                            connections.incrementAndGet();
                            sent.addAndGet(FRAMES_PER_CONNECTION);
                        }
                    });
                    fuzzer.start();
                    fuzzers.add(fuzzer);
                }
                for (Thread fuzzer : fuzzers) {
                    fuzzer.join(120_000);
                }
                load.awaitOperations(1_000);
                long lost = load.verify();
                FaultReport.of(
                                "10^5 fuzzed RESP frames (" + connections.get() + " connections, " + hung.get()
                                        + " hung) beside a Jedis load",
                                load,
                                clock,
                                lost)
                        .publish();
                assertTrue(sent.get() >= FRAMES, "frames sent: " + sent.get());
                assertEquals(0, hung.get(), "fuzzing connections that neither ended nor were answered");
                assertEquals(0, clock.errors(), "errors of the well-behaved load: " + clock.samples());
                assertEquals(0, load.wrongReplies(), "wrong replies: " + load.wrongSamples());
                assertEquals(0, lost, "acknowledged writes lost");
            }
        }
    }

    /** Sends a batch of mutated frames on a connection of its own (see {@link FuzzConnection}). */
    private static void fuzzConnection(int port, Random random, AtomicLong hung) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES_PER_CONNECTION; i++) {
            byte[] frame = mutate(encode(COMMANDS[random.nextInt(COMMANDS.length)]), random);
            batch.write(frame, 0, frame.length);
        }
        if (FuzzConnection.hangs(port, batch.toByteArray())) {
            hung.incrementAndGet();
        }
    }

    private static byte[] encode(String[] args) {
        StringBuilder text = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            text.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Half the frames stay valid; the others get one of the mutations a fuzzer or a broken client produces. */
    private static byte[] mutate(byte[] frame, Random random) {
        if (random.nextBoolean()) {
            return frame;
        }
        byte[] copy = frame.clone();
        switch (random.nextInt(8)) {
            case 0 -> copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
            case 1 -> {
                return ("*1\r\n$" + (random.nextBoolean() ? "99999999999" : "-7") + "\r\nx\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
            }
            case 2 -> {
                return ("*" + (random.nextBoolean() ? "2147483648" : "-5") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
            }
            case 3 -> {
                String text = new String(frame, StandardCharsets.US_ASCII);
                return text.replaceFirst("\r\n", random.nextBoolean() ? "\n" : "\r")
                        .getBytes(StandardCharsets.US_ASCII);
            }
            case 4 -> {
                byte[] cut = new byte[1 + random.nextInt(copy.length - 1)];
                System.arraycopy(copy, 0, cut, 0, cut.length);
                return cut;
            }
            case 5 -> {
                return "*1\r\n*1\r\n*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
            }
            case 6 -> {
                byte[] garbage = new byte[1 + random.nextInt(64)];
                random.nextBytes(garbage);
                return garbage;
            }
            default -> {
                return ("GET " + "x".repeat(random.nextInt(200)) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            }
        }
        return copy;
    }
}
