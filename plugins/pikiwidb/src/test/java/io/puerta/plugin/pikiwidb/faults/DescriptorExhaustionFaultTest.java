package io.puerta.plugin.pikiwidb.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.plugin.pikiwidb.hash.KeyHash;
import io.puerta.plugin.pikiwidb.ring.Distribution;
import io.puerta.plugin.pikiwidb.ring.KeyRing;
import io.puerta.plugin.pikiwidb.ring.RingServer;
import io.puerta.runtime.cli.Main;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.FaultReport;
import io.puerta.runtime.testing.FreePorts;
import io.puerta.runtime.testing.RedisServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's descriptor exhaustion: Puerta (pikiwidb ring over three servers) runs in its own process with
 * {@code ulimit -n 400}, and clients keep connecting, each running a short BLPOP on a key of every server, so that
 * each also holds three backend connections of its own: four descriptors. Every client must get an answer (its three
 * replies, or an error naming the limit) or a close within 5 s; none may hang because accept() or a backend connect
 * found no descriptor left. Then a new client still gets an answer.
 */
@Tag("faults")
class DescriptorExhaustionFaultTest {

    private static final int CLIENTS = 400;

    @Test
    void clientsPastTheDescriptorLimitAreRefusedWithAnAnswerNeverLeftHanging(@TempDir Path dir) throws Exception {
        List<RedisServerProcess> servers = new ArrayList<>();
        List<Socket> open = new ArrayList<>();
        Process proxy = null;
        try {
            StringBuilder backends = new StringBuilder();
            List<RingServer> ringServers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                servers.add(RedisServerProcess.start());
                backends.append("{ address = \"")
                        .append(servers.get(i).address())
                        .append("\" }\n");
                ringServers.add(new RingServer(servers.get(i).address(), 1, i));
            }
            KeyRing ring = new KeyRing(KeyHash.MURMUR, Distribution.Kind.KETAMA.build(ringServers), "{}", 3, 0);
            String[] keyOf = new String[3];
            for (int k = 0; keyOf[0] == null || keyOf[1] == null || keyOf[2] == null; k++) {
                int server = ring.serverFor(("k" + k).getBytes(StandardCharsets.UTF_8));
                if (keyOf[server] == null) {
                    keyOf[server] = "k" + k;
                }
            }
            byte[] blpops = ("BLPOP " + keyOf[0] + " 0.01\r\nBLPOP " + keyOf[1] + " 0.01\r\nBLPOP " + keyOf[2]
                            + " 0.01\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            int port = FreePorts.next();
            Path config = dir.resolve("puerta.conf");
            Files.writeString(
                    config,
                    "puerta { listen.port = " + port + ", router = pikiwidb-ring, backends = [\n" + backends
                            + "]\n pikiwidb { distribution = ketama, hash = murmur, hash-tag = \"{}\" } }\n");
            proxy = proxy(config, dir.resolve("puerta.log"));
            Await.until("the proxy answers", Duration.ofSeconds(30), () -> answer(port)
                    .startsWith("+PONG"));
            int served = 0;
            int refused = 0;
            int hung = 0;
            String firstRefusal = null;
            long started = System.nanoTime();
            for (int i = 0; i < CLIENTS && hung < 3; i++) { // three hung clients are failure enough
                Socket socket = new Socket();
                open.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(blpops);
                String reply = readReplies(socket.getInputStream(), 3);
                if (reply == null) {
                    hung++;
                } else if (reply.equals("*-1\r\n*-1\r\n*-1\r\n")) {
                    served++;
                } else {
                    refused++; // an error naming the limit, or a close
                    firstRefusal = firstRefusal == null ? reply.trim() : firstRefusal;
                }
            }
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            String after = answer(port);
            new FaultReport(
                            "descriptor exhaustion, ulimit -n 400 (" + served + " served, " + refused + " refused, "
                                    + hung + " hung, " + (CLIENTS * 1000L / millis) + " clients/s)",
                            CLIENTS,
                            refused,
                            "past the limit only: " + firstRefusal,
                            0,
                            0,
                            0)
                    .publish();
            assertEquals(0, hung, "clients left hanging with no answer and no close");
            assertTrue(served > 0 && refused > 0, served + " served, " + refused + " refused");
            assertTrue(after.startsWith("+PONG") || after.startsWith("-ERR"), "a new client after the flood: " + after);
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
            if (proxy != null) {
                proxy.destroy();
                proxy.waitFor(10, TimeUnit.SECONDS);
                proxy.destroyForcibly();
            }
            servers.forEach(RedisServerProcess::close);
        }
    }

    /** Puerta in a fresh JVM whose descriptor limit is 400. */
    private static Process proxy(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -n 400 && exec '" + java + "' -Xmx256m -cp '" + System.getProperty("java.class.path")
                + "' " + Main.class.getName() + " run --config '" + config + "'";
        return new ProcessBuilder("bash", "-c", command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** PING on a new connection: the reply's first line, "" on a close, "(timeout)" on none. */
    private static String answer(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = readReplies(socket.getInputStream(), 1);
            return reply == null ? "(timeout)" : reply;
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** Up to {@code count} reply lines, or fewer and the close; null when nothing more came for 5 s. */
    private static String readReplies(InputStream in, int count) throws IOException {
        StringBuilder text = new StringBuilder();
        int lines = 0;
        try {
            while (lines < count) {
                int b = in.read();
                if (b < 0) {
                    return text.toString();
                }
                text.append((char) b);
                if (b == '\n') {
                    lines++;
                }
            }
            return text.toString();
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            return text + "(" + e.getMessage() + ")"; // reset by the proxy: a close
        }
    }
}
