package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.RawClient;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    @Test
    void requestsInFlightAreAnsweredBeforeTheConnectionCloses() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            TestProxy proxy = TestProxy.start(TestProxy.backends(redis), null);
            int port = proxy.port();
            try (RawClient client = new RawClient(port)) {
                // a real request that takes the backend a second to answer
                client.send("*3\r\n$5\r\nBLPOP\r\n$5\r\nempty\r\n$1\r\n1\r\n");
                Thread.sleep(200);
                CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
                Thread.sleep(200);
                assertThrows(IOException.class, () -> connect(port), "no new connections while shutting down");
                assertEquals("*-1", client.readLine(), "the reply owed is still delivered");
                assertTrue(client.closedByServer());
                closing.get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        }
    }
}
