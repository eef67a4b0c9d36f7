package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Every {@code pipeline.mode} is as correct as the default: ordered pipelines from many concurrent clients on two I/O
 * threads, each client's requests reaching the server in the order sent (INCR counts them). The rest of the suite
 * runs the default, {@code ring-per-loop}; this covers {@code ring} (one routing thread) and {@code event-loop} (the
 * benchmarks' baseline without a ring) too.
 */
class PipelineModesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ring-per-loop", "ring", "event-loop"})
    void pipelinesAndConcurrentClientsAreAnsweredInOrder(String mode) throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                TestProxy proxy = TestProxy.start(
                        TestProxy.backends(redis) + "\npipeline.mode = " + mode + "\nnetty.io-threads = 2", null)) {
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int client = c;
                clients.add(threads.submit(() -> {
                    // a generous timeout: paranoid leak detection (the test default) slows 48,000 commands a lot
                    try (Jedis jedis = new Jedis("127.0.0.1", proxy.port(), 30_000)) {
                        Pipeline pipeline = jedis.pipelined();
                        List<Response<Long>> counts = new ArrayList<>();
                        List<Response<String>> reads = new ArrayList<>();
                        for (int i = 0; i < 2_000; i++) {
                            pipeline.set("c" + client + ":" + i, "v" + i);
                            counts.add(pipeline.incr("count:" + client));
                            reads.add(pipeline.get("c" + client + ":" + i));
                        }
                        pipeline.sync();
                        for (int i = 0; i < 2_000; i++) {
                            assertEquals(i + 1, counts.get(i).get());
                            assertEquals("v" + i, reads.get(i).get());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
            threads.shutdown();
            try (Jedis direct = new Jedis("127.0.0.1", redis.port())) {
                assertEquals("2000", direct.get("count:7"));
            }
        }
    }

    @Test
    void anUnknownModeIsAConfigurationError() {
        ConfigRefusal.assertRefused(
                "pipeline.mode = spin", "puerta.pipeline.mode: expected one of ring-per-loop, ring, event-loop");
    }

    /** Starting with a bad mode fails with a message naming it. */
    private static final class ConfigRefusal {
        static void assertRefused(String hocon, String expected) {
            try {
                TestProxy.start(hocon, null).close();
                throw new AssertionError("started with " + hocon);
            } catch (RuntimeException e) {
                org.junit.jupiter.api.Assertions.assertTrue(
                        String.valueOf(e.getMessage()).contains(expected), String.valueOf(e.getMessage()));
            }
        }
    }
}
