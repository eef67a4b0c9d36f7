package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.RawClient;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.util.SafeEncoder;

/** Full rings, slow clients and limits: requests wait or fail clearly, nothing is lost or reordered. */
class BackPressureTest {

    private static RedisServerProcess redis;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @ParameterizedTest(name = "{0} wait strategy, native transport {1}")
    @CsvSource({
        "signal-when-asleep,true",
        "signal-when-asleep,false",
        "blocking,true",
        "timeout-blocking,false",
        "sleeping,true",
        "yielding,false",
        "busy-spin,true"
    })
    void everyWaitStrategyAndTransportServesPipelinedTraffic(String strategy, boolean nativeTransport) {
        String config = "pipeline.wait-strategy = " + strategy + "\n netty.native-transport = " + nativeTransport + "\n"
                + TestProxy.backends(redis);
        try (TestProxy proxy = TestProxy.start(config, null)) {
            assertPipelineInOrder(proxy.port(), "ws-" + strategy, 2_000);
        }
    }

    @Test
    void aClientReadsItsOwnPipelinedWritesOverSeveralBackendConnections() {
        String config = "backend.connections-per-backend = 4\n" + TestProxy.backends(redis);
        try (TestProxy proxy = TestProxy.start(config, null);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            Pipeline pipeline = client.pipelined();
            List<Response<String>> reads = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                pipeline.set("ryw", Integer.toString(i));
                reads.add(pipeline.get("ryw"));
            }
            pipeline.sync();
            for (int i = 0; i < reads.size(); i++) {
                assertEquals(Integer.toString(i), reads.get(i).get(), "read " + i + " sees the write before it");
            }
        }
    }

    @Test
    void aRingThatIsAlwaysFullLosesAndReordersNothing() {
        String config = "pipeline { ring-size = 2, max-batch = 1 }\n" + TestProxy.backends(redis);
        try (TestProxy proxy = TestProxy.start(config, null)) {
            assertPipelineInOrder(proxy.port(), "tiny-ring", 10_000);
            assertTrue(
                    proxy.server().metrics().counter("puerta.ring.full").getCount() > 0,
                    "the ring must have been full at times for this test to mean anything");
        }
    }

    @Test
    void aClientOverTheHardLimitGetsAnErrorAfterTheRepliesItIsOwed() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String config = "backends = [{ address = \"127.0.0.1:" + silent.getLocalPort() + "\" }]\n"
                    + "backend.request-timeout = 300ms\n"
                    + "limits { pause-reading-at = 10, max-pending-per-client = 10 }";
            try (TestProxy proxy = TestProxy.start(config, null);
                    RawClient client = new RawClient(proxy.port())) {
                client.send("*1\r\n$4\r\nPING\r\n".repeat(50));
                for (int i = 0; i < 10; i++) {
                    assertEquals(
                            "-ERR backend 127.0.0.1:" + silent.getLocalPort() + " did not reply within 300 ms",
                            client.readLine(),
                            "reply " + i);
                }
                assertEquals(
                        "-ERR too many requests waiting for replies: 10 (expected: <= 10); read replies before sending more",
                        client.readLine());
                assertTrue(client.closedByServer());
                assertEquals(
                        1,
                        proxy.server()
                                .metrics()
                                .counter("puerta.errors.overflow")
                                .getCount());
            }
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    private static void assertPipelineInOrder(int port, String prefix, int n) {
        try (Jedis client = new Jedis("127.0.0.1", port)) {
            client.del(prefix);
            Pipeline pipeline = client.pipelined();
            List<Response<Long>> counts = new ArrayList<>();
            List<Response<Object>> echoes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                counts.add(pipeline.incr(prefix));
                echoes.add(pipeline.sendCommand(Protocol.Command.ECHO, prefix + i));
            }
            pipeline.sync();
            for (int i = 0; i < n; i++) {
                assertEquals(i + 1, counts.get(i).get(), "INCR reply " + i);
                assertEquals(
                        prefix + i, SafeEncoder.encode((byte[]) echoes.get(i).get()), "ECHO reply " + i);
            }
        }
    }
}
