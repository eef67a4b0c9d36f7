package io.puerta.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.Jedis;

/**
 * Real servers on free loopback ports, for the matrix: a 3-master Redis Cluster (built with redis-cli --cluster
 * create) and three standalone servers for pikiwidb-ring mode; and Puerta itself, run from the assembled
 * distribution as a process of its own. Everything started is stopped by {@link #close}.
 */
final class Backends implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final Path work;
    final List<Integer> clusterPorts = new ArrayList<>();
    final List<Integer> standalonePorts = new ArrayList<>();

    Backends(Path work) {
        this.work = work;
    }

    void startCluster(int masters) throws Exception {
        for (int i = 0; i < masters; i++) {
            int port = clusterPort();
            Path dir = Files.createDirectories(work.resolve("cluster-" + port));
            redisServer(port, "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes.conf").toString(),
                    "--dir", dir.toString());
            clusterPorts.add(port);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        clusterPorts.forEach(port -> create.add("127.0.0.1:" + port));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process creating = new ProcessBuilder(create).redirectErrorStream(true).start();
        String output = new String(creating.getInputStream().readAllBytes());
        if (!creating.waitFor(60, TimeUnit.SECONDS) || creating.exitValue() != 0) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
        }
        for (int port : clusterPorts) {
            await("cluster node " + port + " is ok", () -> {
                try (Jedis node = new Jedis("127.0.0.1", port)) {
                    return node.clusterInfo().contains("cluster_state:ok");
                }
            });
        }
    }

    void startStandalone(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            int port = freePort();
            Path dir = Files.createDirectories(work.resolve("standalone-" + port));
            redisServer(port, "--dir", dir.toString());
            standalonePorts.add(port);
        }
    }

    private void redisServer(int port, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--daemonize", "no"));
        command.addAll(List.of(extra));
        Path log = work.resolve("redis-" + port + ".log");
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        await("redis-server on " + port, () -> answers(port));
    }

    /** Starts bin/puerta with {@code config} (inside puerta { }), listening on a free port, which it returns. */
    int startPuerta(Path dist, String name, String config) throws Exception {
        int port = freePort();
        Path file = work.resolve(name + ".conf");
        Files.writeString(file, "puerta {\n listen { host = \"127.0.0.1\", port = " + port + " }\n admin.port = -1\n"
                + config + "\n}\n");
        Path log = work.resolve(name + ".log");
        processes.add(new ProcessBuilder(dist.resolve("bin/puerta").toString(), "--config", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start());
        await("Puerta (" + name + ") answers; its log: " + log, () -> answers(port));
        return port;
    }

    private static boolean answers(int port) {
        try (Jedis client = new Jedis("127.0.0.1", port, 1_000)) {
            return "PONG".equals(client.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            boolean met;
            try {
                met = condition.getAsBoolean();
            } catch (RuntimeException e) {
                met = false;
            }
            if (met) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A free port whose cluster bus port (port + 10000) is free too. */
    private static int clusterPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = freePort();
            if (port <= 55535 && free(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair for a cluster node");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean free(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress("127.0.0.1", port));
                return true;
            } catch (IOException taken) {
                return false;
            }
        }
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
