package io.puerta.plugin.etcd;

import io.puerta.runtime.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd (Debian's {@code etcd-server}) of one or more members on free loopback ports, each with a temporary
 * data directory: members can be killed and started again on the same ports and data.
 */
final class EtcdCluster implements AutoCloseable {

    private final Path dir;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final Process[] processes;

    private EtcdCluster(int size) {
        try {
            this.dir = Files.createTempDirectory("puerta-etcd");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        clientPorts = new int[size];
        peerPorts = new int[size];
        processes = new Process[size];
        for (int i = 0; i < size; i++) {
            clientPorts[i] = FreePorts.next();
            peerPorts[i] = FreePorts.next();
        }
    }

    /** Starts {@code size} members and waits until every one is healthy. */
    static EtcdCluster start(int size) {
        EtcdCluster cluster = new EtcdCluster(size);
        try {
            for (int i = 0; i < size; i++) {
                cluster.launch(i);
            }
            for (int i = 0; i < size; i++) {
                cluster.awaitHealthy(i);
            }
            cluster.awaitWritable();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The client URLs, as HOCON list items: "http://127.0.0.1:p1", ... */
    String endpointsHocon() {
        List<String> urls = new ArrayList<>();
        for (String url : endpoints()) {
            urls.add("\"" + url + "\"");
        }
        return "[" + String.join(", ", urls) + "]";
    }

    List<String> endpoints() {
        List<String> urls = new ArrayList<>();
        for (int port : clientPorts) {
            urls.add("http://127.0.0.1:" + port);
        }
        return urls;
    }

    /** Kills member {@code i} at once (SIGKILL), as a crash would. */
    void kill(int i) {
        Process process = processes[i];
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            processes[i] = null;
        }
    }

    /** Starts member {@code i} again on its ports and data, and waits until it is healthy. */
    void restart(int i) {
        kill(i);
        launch(i);
        awaitHealthy(i);
    }

    private void launch(int i) {
        Path data = dir.resolve("member" + i);
        List<String> cluster = new ArrayList<>();
        for (int m = 0; m < clientPorts.length; m++) {
            cluster.add("m" + m + "=http://127.0.0.1:" + peerPorts[m]);
        }
        List<String> command = List.of(
                "etcd",
                "--name",
                "m" + i,
                "--data-dir",
                data.toString(),
                "--listen-client-urls",
                "http://127.0.0.1:" + clientPorts[i],
                "--advertise-client-urls",
                "http://127.0.0.1:" + clientPorts[i],
                "--listen-peer-urls",
                "http://127.0.0.1:" + peerPorts[i],
                "--initial-advertise-peer-urls",
                "http://127.0.0.1:" + peerPorts[i],
                "--initial-cluster",
                String.join(",", cluster),
                "--initial-cluster-state",
                "new",
                "--initial-cluster-token",
                "puerta-test",
                // etcd's defaults: shorter ones make elections flap on a loaded 2-core machine
                "--heartbeat-interval",
                "100",
                "--election-timeout",
                "1000");
        try {
            processes[i] = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("member" + i + ".log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd (install Debian's etcd-server): " + command, e);
        }
    }

    private void awaitHealthy(int i) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Process process = processes[i];
            if (process == null || !process.isAlive()) {
                throw new IllegalStateException("etcd member " + i + " exited: " + log(i));
            }
            if (healthy(i)) {
                return;
            }
            pause();
        }
        throw new IllegalStateException("etcd member " + i + " never became healthy: " + log(i));
    }

    /**
     * Waits until a write commits through a running member (a leader is elected and stays): after a start, and
     * after a member is killed, before a test writes.
     */
    void awaitWritable() {
        int member = 0;
        while (processes[member] == null) {
            member++;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        String body = "{\"key\":\"" + base64.encodeToString("/puerta-test/ready".getBytes(StandardCharsets.UTF_8))
                + "\",\"value\":\"" + base64.encodeToString("1".getBytes(StandardCharsets.UTF_8)) + "\"}";
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection connection =
                        (HttpURLConnection) URI.create("http://127.0.0.1:" + clientPorts[member] + "/v3/kv/put")
                                .toURL()
                                .openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(3000);
                connection.setDoOutput(true);
                connection.setRequestMethod("POST");
                connection.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
                int code = connection.getResponseCode();
                connection.disconnect();
                if (code == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            pause();
        }
        throw new IllegalStateException("etcd never accepted a write: " + log(member));
    }

    private boolean healthy(int i) {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create("http://127.0.0.1:" + clientPorts[i] + "/health")
                            .toURL()
                            .openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1000);
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"health\":\"true\"");
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String log(int i) {
        try {
            String text = Files.readString(dir.resolve("member" + i + ".log"));
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < processes.length; i++) {
            kill(i);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
