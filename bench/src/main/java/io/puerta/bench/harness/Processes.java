package io.puerta.bench.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The processes a run starts (twemproxy, Puerta in each mode), stopped together at the end. */
final class Processes implements AutoCloseable {

    private final Path work;
    private final List<Process> started = new ArrayList<>();

    Processes(Path work) {
        this.work = work;
    }

    /** Starts {@code command}, its output in {@code <name>.log}, and waits for it to listen on {@code port}. */
    Process start(String name, List<String> command, Map<String, String> environment, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        started.add(process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited:\n" + Files.readString(work.resolve(name + ".log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return process;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(name + " did not listen on " + port);
    }

    Path file(String name, String content) throws IOException {
        return Files.writeString(work.resolve(name), content);
    }

    @Override
    public void close() {
        for (Process process : started) {
            process.destroy();
        }
        for (Process process : started) {
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
