package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RawClient;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class GracefulShutdownTest {

    @Test
    void requestsInFlightAreAnsweredBeforeTheConnectionCloses() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            TestProxy proxy = TestProxy.start(TestProxy.backends(redis), null);
            int port = proxy.port();
            try (RawClient client = new RawClient(port)) {
                // a real request that takes the backend a second to answer
                client.send("*3\r\n$5\r\nBLPOP\r\n$5\r\nempty\r\n$1\r\n1\r\n");
                Await.until("the BLPOP is blocked on the server", () -> blockedClients(redis) == 1);
                CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
                Await.until("the proxy stops accepting connections", () -> !proxy.acceptsConnections());
                assertThrows(IOException.class, () -> connect(port), "no new connections while shutting down");
                assertEquals("*-1", client.readLine(), "the reply owed is still delivered");
                assertTrue(client.closedByServer());
                closing.get(10, TimeUnit.SECONDS);
            }
        }
    }

    static long blockedClients(RedisServerProcess redis) {
        try (Jedis direct = new Jedis("127.0.0.1", redis.port(), 5_000)) {
            String info = direct.info("clients");
            Matcher blocked = Pattern.compile("blocked_clients:(\\d+)").matcher(info);
            return blocked.find() ? Long.parseLong(blocked.group(1)) : -1;
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        }
    }
}
