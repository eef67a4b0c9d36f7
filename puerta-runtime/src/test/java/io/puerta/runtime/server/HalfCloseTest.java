package io.puerta.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that sends its requests and then half-closes its side (as {@code printf ... | nc -N} does) is still
 * owed every reply: Redis answers them all, and so must the proxy, before it closes.
 */
@org.junit.jupiter.api.Tag("faults")
class HalfCloseTest {

    private static RedisServerProcess redis;
    private static TestProxy proxy;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        proxy = TestProxy.start(TestProxy.backends(redis), null);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        redis.close();
    }

    @Test
    void everyReplyOwedIsWrittenAfterTheClientHalfCloses() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 2000);
                socket.setSoTimeout(5000);
                socket.getOutputStream()
                        .write(("SET half " + attempt + "\r\nPING\r\nGET half\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                socket.shutdownOutput();
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                List<String> lines = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
                String value = Integer.toString(attempt);
                assertEquals(List.of("+OK", "+PONG", "$" + value.length(), value), lines, "attempt " + attempt);
            }
        }
        // reached only when every attempt got every reply
        new io.puerta.runtime.testing.FaultReport(
                        "half-close after 3 pipelined commands, 50 connections: every reply written",
                        150,
                        0,
                        "no error",
                        0,
                        0,
                        0)
                .publish();
    }
}
