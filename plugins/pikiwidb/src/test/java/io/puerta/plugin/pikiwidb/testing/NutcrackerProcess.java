package io.puerta.plugin.pikiwidb.testing;

import io.puerta.runtime.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real twemproxy ({@code nutcracker}, Debian's package) on a free loopback port, from a YAML pool. */
public final class NutcrackerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private NutcrackerProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts nutcracker with one pool. {@code poolSettings} are YAML lines for the pool (hash, distribution,
     * servers ...) indented by two spaces; the listen address is added here.
     */
    public static NutcrackerProcess start(String poolSettings) {
        int port = FreePorts.next();
        try {
            Path dir = Files.createTempDirectory("nutcracker");
            Path conf = dir.resolve("nutcracker.yml");
            Files.writeString(conf, "pool:\n  listen: 127.0.0.1:" + port + "\n  redis: true\n" + poolSettings);
            Process process = new ProcessBuilder(
                            "nutcracker",
                            "-c",
                            conf.toString(),
                            "-s",
                            Integer.toString(FreePorts.next()),
                            "-o",
                            dir.resolve("nutcracker.log").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
            NutcrackerProcess nutcracker = new NutcrackerProcess(process, port, dir);
            nutcracker.awaitPort(conf);
            return nutcracker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nutcracker (install Debian's nutcracker package)", e);
        }
    }

    public int port() {
        return port;
    }

    private void awaitPort(Path conf) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nutcracker exited: " + Files.readString(dir.resolve("nutcracker.log"))
                        + "\nconfig:\n" + Files.readString(conf));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("nutcracker did not listen on " + port);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
