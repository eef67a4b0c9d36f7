package io.puerta.examples.demo;

import io.puerta.runtime.testing.FreePorts;
import io.puerta.runtime.testing.RawClient;
import io.puerta.runtime.testing.RedisServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * The end-to-end demo: a real redis-server, the Puerta distribution in front of it (started as a user would, with
 * bin/puerta and a config file), and a real client whose traffic goes through the proxy. Prints each step.
 *
 * <p>Usage: {@code Demo <puerta-home>}
 */
public final class Demo {

    private Demo() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Demo <puerta-home>  (e.g. dist/target/puerta-0.1.0-SNAPSHOT)");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createTempDirectory("puerta-demo");
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            System.out.println("backend : redis-server " + RedisServerProcess.binary() + " on " + redis.address());
            int port = FreePorts.next();
            Path config = Files.writeString(
                    work.resolve("puerta.conf"),
                    """
                    puerta {
                      listen.port = %d
                      router = single-backend
                      backends = [{ address = "%s" }]
                      health-check.checker = redis-ping
                    }
                    """
                            .formatted(port, redis.address()));
            Path log = work.resolve("puerta.log");
            Process puerta = new ProcessBuilder(home.resolve("bin/puerta").toString(), "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                awaitPort(port, puerta, log);
                System.out.println("proxy   : " + home.resolve("bin/puerta") + " --config " + config + "  (127.0.0.1:"
                        + port + ")");
                System.out.println();
                traffic(port, redis.port());
            } finally {
                puerta.destroy(); // SIGTERM: graceful shutdown
                puerta.waitFor(15, TimeUnit.SECONDS);
                puerta.destroyForcibly();
            }
            System.out.println();
            System.out.println("proxy log:");
            for (String line : Files.readAllLines(log)) {
                System.out.println("  " + line);
            }
        }
    }

    private static void traffic(int proxyPort, int redisPort) {
        try (Jedis client = new Jedis("127.0.0.1", proxyPort);
                Jedis direct = new Jedis("127.0.0.1", redisPort)) {
            step("SET greeting \"hola\" via Puerta", client.set("greeting", "hola"));
            step("GET greeting via Puerta", client.get("greeting"));
            step("GET greeting on the backend itself", direct.get("greeting"));

            client.del("demo:counter");
            int n = 10_000;
            long start = System.nanoTime();
            Pipeline pipeline = client.pipelined();
            List<Response<Long>> replies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                replies.add(pipeline.incr("demo:counter"));
            }
            pipeline.sync();
            long micros = (System.nanoTime() - start) / 1000;
            boolean inOrder = true;
            for (int i = 0; i < n; i++) {
                inOrder &= replies.get(i).get() == i + 1;
            }
            step(
                    n + " pipelined INCR via Puerta",
                    "replies 1.." + n + (inOrder ? " in order" : " OUT OF ORDER")
                            + String.format(
                                    " in %.1f ms (%,d req/s)", micros / 1000.0, n * 1_000_000L / Math.max(1, micros)));

            String[] keysAndValues = new String[200];
            for (int i = 0; i < 100; i++) {
                keysAndValues[2 * i] = "demo:k" + i;
                keysAndValues[2 * i + 1] = "v" + i;
            }
            step("MSET 100 keys via Puerta", client.mset(keysAndValues));
            step("MGET demo:k0 demo:k99 via Puerta", client.mget("demo:k0", "demo:k99"));
        }
        try (RawClient raw = new RawClient(proxyPort)) {
            raw.send("*2\r\n$3\r\nGET\r\n$oops\r\n");
            step(
                    "a malformed frame gets",
                    raw.readLine() + "  (and the connection is closed: " + raw.closedByServer() + ")");
        }
    }

    private static void step(String what, Object result) {
        System.out.printf("  %-40s -> %s%n", what, result);
    }

    private static void awaitPort(int port, Process puerta, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!puerta.isAlive()) {
                throw new IllegalStateException("Puerta exited:\n" + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("Puerta did not listen on " + port + ":\n" + Files.readString(log));
    }
}
