package io.puerta.plugin.etcd;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.puerta.runtime.cli.Main;
import io.puerta.runtime.testing.TestProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puerta instances in process, each from its own file naming the same etcd and prefix, with an admin listener;
 * and the operators' command line against the same fleet.
 */
final class Fleet implements AutoCloseable {

    private final EtcdCluster etcd;
    private final Path dir;
    private final String prefix;
    private final List<TestProxy> proxies = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    Fleet(EtcdCluster etcd, Path dir, String prefix) {
        this.etcd = etcd;
        this.dir = dir;
        this.prefix = prefix;
    }

    /** An instance's own file: where it listens, and the source it shares its configuration through. */
    Path localFile(String member) {
        Path file = dir.resolve(member + ".conf");
        String text = "puerta {\n"
                + "  listen.port = 0\n"
                + "  admin.port = 0\n"
                + "  plugins.dir = \"/nonexistent-puerta-plugins\"\n"
                + "  reload.check-interval = 0s\n"
                + "  config-source { kind = \"etcd\", member = \"" + member + "\" }\n"
                + "  etcd { endpoints = " + etcd.endpointsHocon() + ", prefix = \"" + prefix + "\",\n"
                + "         lease-ttl = 3s, timeout = 1s }\n"
                + "}\n";
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Starts an instance named {@code member}. */
    TestProxy start(String member) {
        Path file = localFile(member);
        TestProxy proxy = TestProxy.startFile(file);
        proxies.add(proxy);
        files.add(file);
        return proxy;
    }

    /**
     * Starts an instance named {@code member} as a process of its own (bin/puerta's main class on this test's
     * class path), so that it can be killed as a crash would: without leaving the fleet.
     */
    Process startProcess(String member) {
        Path file = localFile(member);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Process process = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            "io.puerta.runtime.cli.Main",
                            "run",
                            "--config",
                            file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log(member).toFile())
                    .start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where an instance started as a process logs: under target/, kept after the test for whoever debugs it. */
    static Path log(String member) {
        Path logs = Path.of("target", "fleet-logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return logs.resolve(member + "-" + ProcessHandle.current().pid() + ".log");
    }

    /** Runs {@code puerta ARGS --config <an instance's file>}; its exit code, output and errors. */
    Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config");
        all.add(localFile("operator").toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(all.toArray(String[]::new));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes {@code text} as the shared configuration through {@code puerta config push}; its revision. */
    long push(String text) {
        Path file = dir.resolve("shared-" + System.nanoTime() + ".conf");
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cli result = cli("config", "push", file.toString());
        if (result.code() != 0) {
            throw new AssertionError("config push failed: " + result);
        }
        String out = result.out().trim();
        return Long.parseLong(out.substring(out.lastIndexOf(' ') + 1));
    }

    /** The instance's {@code /status}, parsed. */
    static Config status(TestProxy proxy) {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create("http://127.0.0.1:" + proxy.adminPort() + "/status")
                            .toURL()
                            .openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(5000);
            try (InputStream in = connection.getInputStream()) {
                return ConfigFactory.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The revision of the shared configuration the instance runs with. */
    static long appliedRevision(TestProxy proxy) {
        return status(proxy).getLong("fleet.appliedRevision");
    }

    List<TestProxy> proxies() {
        return proxies;
    }

    @Override
    public void close() {
        for (TestProxy proxy : proxies) {
            proxy.close();
        }
        for (Process process : processes) {
            process.destroyForcibly();
        }
    }

    record Cli(int code, String out, String err) {}
}
