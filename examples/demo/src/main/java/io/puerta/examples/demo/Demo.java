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
 * The end-to-end demo: three real redis-servers, the Puerta distribution in front of them in pikiwidb mode
 * (started as a user would, with bin/puerta and a config file), and a real client whose traffic Puerta shards
 * over the servers. Prints each step and where the keys landed.
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
        List<RedisServerProcess> servers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                servers.add(RedisServerProcess.start());
            }
            System.out.println("backends: redis-server " + RedisServerProcess.binary() + " on "
                    + servers.stream().map(RedisServerProcess::address).toList());
            int port = FreePorts.next();
            StringBuilder backends = new StringBuilder();
            for (RedisServerProcess server : servers) {
                backends.append("    { address = \"").append(server.address()).append("\" }\n");
            }
            Path config = Files.writeString(
                    work.resolve("puerta.conf"),
                    """
                    puerta {
                      listen.port = %d
                      router = pikiwidb-ring
                      pikiwidb { distribution = ketama, hash = murmur }
                      backends = [
                    %s  ]
                      health-check.checker = redis-ping
                    }
                    """
                            .formatted(port, backends));
            Path log = work.resolve("puerta.log");
            Process puerta = new ProcessBuilder(home.resolve("bin/puerta").toString(), "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                awaitPort(port, puerta, log);
                System.out.println("proxy   : " + home.resolve("bin/puerta") + " --config " + config + "  (127.0.0.1:"
                        + port + ", router pikiwidb-ring)");
                System.out.println();
                traffic(port, servers);
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
        } finally {
            for (RedisServerProcess server : servers) {
                server.close();
            }
        }
    }

    private static void traffic(int proxyPort, List<RedisServerProcess> servers) {
        try (Jedis client = new Jedis("127.0.0.1", proxyPort)) {
            step("SET greeting \"hola\"", client.set("greeting", "hola"));
            step("GET greeting", client.get("greeting"));

            int n = 10_000;
            long start = System.nanoTime();
            Pipeline pipeline = client.pipelined();
            List<Response<String>> replies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                replies.add(pipeline.set("user:" + i, "name-" + i));
            }
            pipeline.sync();
            long micros = (System.nanoTime() - start) / 1000;
            long ok = replies.stream().filter(r -> "OK".equals(r.get())).count();
            step(
                    n + " pipelined SETs",
                    ok + " OK"
                            + String.format(
                                    " in %.1f ms (%,d req/s)", micros / 1000.0, n * 1_000_000L / Math.max(1, micros)));
            for (RedisServerProcess server : servers) {
                try (Jedis direct = new Jedis("127.0.0.1", server.port())) {
                    step("  keys stored on " + server.address(), direct.dbSize());
                }
            }
            step("DBSIZE through Puerta (all servers)", client.dbSize());
            step(
                    "MGET user:1 user:2 user:3 user:4 (split, merged)",
                    client.mget("user:1", "user:2", "user:3", "user:4"));
            step("DEL user:1 user:2 user:3 (split, summed)", client.del("user:1", "user:2", "user:3"));
            step("MSETNX across servers", attempt(() -> client.msetnx("x:1", "a", "x:2", "b", "x:3", "c")));
        }
        try (RawClient raw = new RawClient(proxyPort)) {
            raw.send("*2\r\n$3\r\nGET\r\n$oops\r\n");
            step("a malformed frame gets", raw.readLine() + "  (connection closed: " + raw.closedByServer() + ")");
        }
    }

    private static Object attempt(java.util.concurrent.Callable<Object> call) {
        try {
            return call.call();
        } catch (Exception e) {
            return "-" + e.getMessage();
        }
    }

    static void step(String what, Object result) {
        System.out.printf("  %-50s -> %s%n", what, result);
    }

    static void awaitPort(int port, Process puerta, Path log) throws Exception {
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
