package io.puerta.examples.demo;

import io.puerta.runtime.testing.FreePorts;
import io.puerta.runtime.testing.RedisServerProcess;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The fleet demo ({@code ./demo.sh fleet}): a real etcd (Debian's etcd-server), two real redis-servers and three
 * Puerta instances started with bin/puerta, sharing one configuration pushed once to etcd. Shows the fleet's
 * status, moves half the slots of a pikiwidb-slots table to the second server under live traffic through all
 * three instances, and shows the fleet to a cluster client as one Redis Cluster.
 *
 * <p>Usage: {@code FleetDemo <puerta-home>}
 */
public final class FleetDemo {

    private FleetDemo() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: FleetDemo <puerta-home>  (e.g. dist/target/puerta-0.1.0-SNAPSHOT)");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path work = Files.createTempDirectory("puerta-fleet-demo");
        List<Process> processes = new ArrayList<>();
        try (RedisServerProcess first = RedisServerProcess.start();
                RedisServerProcess second = RedisServerProcess.start()) {
            int etcdPort = FreePorts.next();
            int peerPort = FreePorts.next();
            processes.add(start(
                    work,
                    "etcd",
                    List.of(
                            "etcd",
                            "--name",
                            "demo",
                            "--data-dir",
                            work.resolve("etcd").toString(),
                            "--listen-client-urls",
                            "http://127.0.0.1:" + etcdPort,
                            "--advertise-client-urls",
                            "http://127.0.0.1:" + etcdPort,
                            "--listen-peer-urls",
                            "http://127.0.0.1:" + peerPort,
                            "--initial-advertise-peer-urls",
                            "http://127.0.0.1:" + peerPort,
                            "--initial-cluster",
                            "demo=http://127.0.0.1:" + peerPort)));
            awaitHealthy(etcdPort);
            System.out.println(
                    "etcd    : 127.0.0.1:" + etcdPort + "; backends: " + first.address() + ", " + second.address());

            Path shared = Files.writeString(
                    work.resolve("shared.conf"),
                    """
                    puerta {
                      router = "pikiwidb-slots"
                      backends = [{ address = "%s" }, { address = "%s" }]
                      pikiwidb.slots.ranges = [{ slots = "0-1023", server = "%s" }]
                      cluster-view = true
                    }
                    """
                            .formatted(first.address(), second.address(), first.address()));
            List<Integer> ports = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int port = FreePorts.next();
                ports.add(port);
                files.add(Files.writeString(
                        work.resolve("proxy-" + i + ".conf"),
                        """
                        puerta {
                          listen.port = %d
                          config-source { kind = "etcd", member = "proxy-%d" }
                          etcd { endpoints = ["http://127.0.0.1:%d"], prefix = "/puerta/demo" }
                        }
                        """
                                .formatted(port, i, etcdPort)));
            }
            run(
                    home,
                    "config",
                    "push",
                    shared.toString(),
                    "--config",
                    files.get(0).toString());
            for (int i = 0; i < 3; i++) {
                Process puerta = start(
                        work,
                        "proxy-" + (i + 1),
                        List.of(
                                home.resolve("bin/puerta").toString(),
                                "--config",
                                files.get(i).toString()));
                processes.add(puerta);
                Demo.awaitPort(ports.get(i), puerta, work.resolve("proxy-" + (i + 1) + ".log"));
            }
            run(home, "fleet", "status", "--config", files.get(0).toString());

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            AtomicLong wrong = new AtomicLong();
            AtomicLong tryAgain = new AtomicLong();
            List<Thread> writers = new ArrayList<>();
            for (int port : ports) {
                Thread writer = new Thread(() -> write(port, stop, written, wrong, tryAgain));
                writer.start();
                writers.add(writer);
            }
            Thread.sleep(500);
            System.out.println();
            System.out.println("moving slots 0-511 to " + second.address() + " while three clients write and read"
                    + " through the three instances:");
            run(
                    home,
                    "slots",
                    "move",
                    "0-511",
                    second.address(),
                    "--config",
                    files.get(0).toString());
            Thread.sleep(500);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(10_000);
            }
            System.out.println();
            Demo.step("writes acknowledged during the demo", written.get());
            Demo.step("reads that saw a wrong value", wrong.get());
            Demo.step("TRYAGAIN answers while the slots were held", tryAgain.get());
            try (Jedis onFirst = new Jedis("127.0.0.1", first.port());
                    Jedis onSecond = new Jedis("127.0.0.1", second.port())) {
                Demo.step("keys on " + first.address(), onFirst.dbSize());
                Demo.step("keys on " + second.address(), onSecond.dbSize());
            }
            try (Jedis client = new Jedis("127.0.0.1", ports.get(1))) {
                System.out.println();
                System.out.println("CLUSTER NODES through proxy-2 (cluster-view: the fleet as one Redis Cluster):");
                client.clusterNodes().lines().forEach(line -> System.out.println("  " + line));
            }
        } finally {
            for (Process process : processes) {
                process.destroy();
            }
            for (Process process : processes) {
                process.waitFor(15, TimeUnit.SECONDS);
                process.destroyForcibly();
            }
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Writes then reads its own keys through one instance until stopped, counting what it saw. */
    private static void write(int port, AtomicBoolean stop, AtomicLong written, AtomicLong wrong, AtomicLong tryAgain) {
        try (Jedis client = new Jedis("127.0.0.1", port)) {
            for (long n = 0; n < 10_000_000 && !stop.get(); n++) {
                String key = "demo:" + port + ":" + (n % 2000);
                try {
                    client.set(key, Long.toString(n));
                    written.incrementAndGet();
                    if (!Long.toString(n).equals(client.get(key))) {
                        wrong.incrementAndGet();
                    }
                } catch (JedisDataException e) {
                    if (String.valueOf(e.getMessage()).startsWith("TRYAGAIN")) {
                        tryAgain.incrementAndGet();
                    } else {
                        System.out.println("  a client got: " + e.getMessage());
                        return;
                    }
                }
            }
        }
    }

    /** Runs bin/puerta with {@code args}, printing what it prints. */
    private static void run(Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/puerta").toString());
        command.addAll(List.of(args));
        System.out.println();
        System.out.println("$ bin/puerta " + String.join(" ", args).replace(home.toString(), "$PUERTA_HOME"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(120, TimeUnit.SECONDS);
        output.lines()
                .filter(line -> !line.contains(" INFO ") && !line.contains(" WARN "))
                .forEach(line -> System.out.println("  " + line));
        if (process.exitValue() != 0) {
            throw new IllegalStateException("bin/puerta " + String.join(" ", args) + " failed");
        }
    }

    private static Process start(Path work, String name, List<String> command) throws IOException {
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve(name + ".log").toFile())
                    .start();
        } catch (IOException e) {
            if (name.equals("etcd")) {
                throw new IOException(
                        "cannot start etcd: install Debian's etcd-server (apt-get install etcd-server)", e);
            }
            throw e;
        }
    }

    private static void awaitHealthy(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health")
                        .toURL()
                        .openConnection();
                connection.setConnectTimeout(500);
                if (new String(connection.getInputStream().readAllBytes()).contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("etcd did not become healthy on port " + port);
    }
}
