package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.FreePorts;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** A backend that is down, dies, or stops answering costs a clear error, never a hang. */
class BackendFailureTest {

    @Test
    void backendDownGivesAClearErrorReply() {
        int nobody = FreePorts.next();
        try (TestProxy proxy = TestProxy.start("backends = [{ address = \"127.0.0.1:" + nobody + "\" }]", null);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            JedisDataException error = assertThrows(JedisDataException.class, () -> client.get("k"));
            assertTrue(
                    error.getMessage().startsWith("ERR backend 127.0.0.1:" + nobody + " unavailable"),
                    error.getMessage());
            // the client connection stays usable: the next request gets its own answer
            assertThrows(JedisDataException.class, () -> client.set("k", "v"));
        }
    }

    @Test
    void backendKilledAndRestartedIsUsedAgain() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                TestProxy proxy = TestProxy.start(TestProxy.backends(redis), null);
                Jedis client = new Jedis("127.0.0.1", proxy.port())) {
            assertEquals("OK", client.set("k", "before"));
            redis.stop();
            JedisDataException error = assertThrows(JedisDataException.class, () -> client.get("k"));
            assertTrue(error.getMessage().contains("backend 127.0.0.1:" + redis.port()), error.getMessage());
            redis.restart();
            String reply = null;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (reply == null && System.nanoTime() < deadline) {
                try {
                    reply = client.set("k", "after");
                } catch (JedisDataException stillDown) {
                    Thread.sleep(50);
                }
            }
            assertEquals("OK", reply);
            assertEquals("after", client.get("k"));
        }
    }

    @Test
    void backendThatNeverRepliesTimesOutWithAnError() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // accept, read nothing, answer nothing
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String config = "backends = [{ address = \"127.0.0.1:" + silent.getLocalPort() + "\" }]\n"
                    + "backend.request-timeout = 300ms";
            try (TestProxy proxy = TestProxy.start(config, null);
                    Jedis client = new Jedis("127.0.0.1", proxy.port())) {
                JedisDataException error = assertThrows(JedisDataException.class, () -> client.get("k"));
                assertEquals(
                        "ERR backend 127.0.0.1:" + silent.getLocalPort() + " did not reply within 300 ms",
                        error.getMessage());
            }
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
