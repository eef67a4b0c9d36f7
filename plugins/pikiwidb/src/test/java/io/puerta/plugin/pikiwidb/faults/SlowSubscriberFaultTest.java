package io.puerta.plugin.pikiwidb.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.FaultClock;
import io.puerta.runtime.testing.FaultReport;
import io.puerta.runtime.testing.JedisLoad;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestProxy;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The fault suite's slow subscriber: a client subscribes and then reads nothing while messages are
 * published to its channel (20 MB), beside a well-behaved Jedis load. The proxy must not buffer the flood for it (it stops
 * reading the subscriber's backend connection, so the server holds the backlog, up to its own
 * client-output-buffer-limit for pub/sub), the load must see no error, and when the subscriber finally reads, it
 * gets the messages in order with no gap, then either all of them or an error naming the server's disconnection
 * and the close.
 */
@Tag("faults")
class SlowSubscriberFaultTest {

    private static final int MESSAGES = 20_000;
    private static final String PAYLOAD = "x".repeat(1_000);

    @Test
    void aSubscriberThatDoesNotReadDisturbsNoOtherClient() throws Exception {
        io.puerta.runtime.testing.LeakDetection.sampledDuring(this::flood);
    }

    private void flood() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                TestProxy proxy = TestProxy.start(
                        "router = pikiwidb-ring\nbackends = [{ address = \"" + redis.address() + "\" }]", null);
                Socket subscriber = new Socket("127.0.0.1", proxy.port())) {
            subscriber.setSoTimeout(10_000);
            subscriber.getOutputStream().write("SUBSCRIBE flood\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(subscriber.getInputStream());
            assertEquals("*3", line(in));
            line(in);
            line(in);
            line(in);
            line(in);
            assertEquals(":1", line(in), "subscribed");
            FaultClock clock = new FaultClock();
            try (JedisLoad load = new JedisLoad(proxy.port(), clock, 2, 200, "good:");
                    Jedis publisher = new Jedis("127.0.0.1", proxy.port(), 10_000)) {
                load.start();
                load.awaitOperations(1_000);
                clock.fault();
                for (int i = 0; i < MESSAGES; i++) {
                    publisher.publish("flood", i + ":" + PAYLOAD);
                }
                load.awaitOperations(1_000);
                long lost = load.verify();
                int received = 0;
                String end = "all messages";
                try {
                    while (received < MESSAGES) {
                        String header = line(in);
                        if (!header.equals("*3")) {
                            end = header; // the error that ends the stream
                            break;
                        }
                        line(in);
                        line(in);
                        line(in);
                        line(in);
                        line(in);
                        String message = line(in);
                        assertEquals(
                                Integer.toString(received), message.substring(0, message.indexOf(':')), "in order");
                        received++;
                    }
                } catch (IOException closed) {
                    end = "closed: " + closed.getMessage();
                }
                FaultReport.of(
                                "slow subscriber: " + MESSAGES + " messages of 1 KB published, " + received
                                        + " read late in order, then " + end,
                                load,
                                clock,
                                lost)
                        .publish();
                assertEquals(0, clock.errors(), "errors of the other clients: " + clock.samples());
                assertEquals(0, lost, "acknowledged writes lost");
                assertTrue(
                        received == MESSAGES || end.startsWith("-") || end.startsWith("closed"),
                        "the stream ended with " + end + " after " + received);
                final int seen = received;
                Await.until("the proxy serves on", () -> seen >= 0 && "PONG".equals(publisher.ping()));
            }
        }
    }

    /** One RESP line without its CRLF; a bulk string's data counts as a line. */
    private static String line(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw new IOException("nothing for 10 s", e);
            }
            if (b < 0) {
                throw new IOException("end of stream");
            }
            if (b == '\r') {
                in.read();
                return text.toString();
            }
            text.append((char) b);
        }
    }
}
