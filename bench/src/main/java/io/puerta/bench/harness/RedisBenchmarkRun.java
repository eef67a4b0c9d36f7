package io.puerta.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of {@code redis-benchmark} against one address, its CSV read back. */
final class RedisBenchmarkRun {

    /** One test's result: requests per second, and the mean and 99th percentile latency in ms. */
    record Result(double rps, double p99Ms, double meanMs) {}

    private RedisBenchmarkRun() {}

    /**
     * Runs the tests (e.g. {@code get,set,incr,lpush,mset}) with 50 clients and returns each test's result, keyed
     * by redis-benchmark's test name ("GET", "MSET (10 keys)", ...).
     */
    static Map<String, Result> run(int port, boolean cluster, int pipeline, int requests, String tests)
            throws IOException, InterruptedException {
        return run(port, cluster, pipeline, requests, tests, List.of());
    }

    /** As {@link #run(int, boolean, int, int, String)}, with more redis-benchmark options ({@code --tls ...}). */
    static Map<String, Result> run(
            int port, boolean cluster, int pipeline, int requests, String tests, List<String> options)
            throws IOException, InterruptedException {
        return run(port, cluster, pipeline, requests, tests, options, 50);
    }

    /** As above, with {@code clients} connections instead of 50. */
    static Map<String, Result> run(
            int port, boolean cluster, int pipeline, int requests, String tests, List<String> options, int clients)
            throws IOException, InterruptedException {
        List<String> command = command(port, clients, requests, pipeline);
        command.add("-t");
        command.add(tests);
        if (cluster) {
            command.add("--cluster");
        }
        command.addAll(options);
        return results(
                port, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * MSET of 10 keys that share a hash tag, the command {@code redis-benchmark --cluster -t mset} sends, against a
     * proxy: there redis-benchmark gives each client a tag of the node it talks to. Here one redis-benchmark per tag
     * (one tag per master) runs at once, the clients and requests split among them. The rate is all their requests
     * over the longest of their runs; the latencies are the worst of them.
     */
    static Result runTaggedMset(int port, int pipeline, int requests, List<String> tags)
            throws IOException, InterruptedException {
        List<Process> processes = new ArrayList<>();
        for (String tag : tags) {
            List<String> command = command(port, 50 / tags.size(), requests / tags.size(), pipeline);
            command.add("MSET");
            for (int key = 0; key < 10; key++) {
                command.add("key:{" + tag + "}:__rand_int__");
                command.add("xxx"); // redis-benchmark's own value: 3 bytes
            }
            processes.add(new ProcessBuilder(command).redirectErrorStream(true).start());
        }
        double seconds = 0; // the longest of the runs: all the requests were answered by then
        double p99 = 0;
        double mean = 0;
        for (Process process : processes) {
            Result result = results(port, process).values().iterator().next();
            seconds = Math.max(seconds, (requests / tags.size()) / result.rps());
            p99 = Math.max(p99, result.p99Ms());
            mean = Math.max(mean, result.meanMs());
        }
        return new Result(tags.size() * (requests / tags.size()) / seconds, p99, mean);
    }

    /** redis-benchmark against one port, random keys from 100,000, CSV output; the tests or a command follow. */
    private static List<String> command(int port, int clients, int requests, int pipeline) {
        return new ArrayList<>(List.of(
                "timeout", // a target that stops answering must not stall the run
                "300",
                "redis-benchmark",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-c",
                Integer.toString(clients),
                "-n",
                Integer.toString(requests),
                "-P",
                Integer.toString(pipeline),
                "-r",
                "100000",
                "--csv"));
    }

    private static Map<String, Result> results(int port, Process process) throws IOException, InterruptedException {
        Map<String, Result> results = new LinkedHashMap<>();
        List<String> output = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.add(line);
                // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms",...
                String[] fields = line.replace("\"", "").split(",");
                if (fields.length >= 7 && !fields[0].equals("test")) {
                    try {
                        results.put(
                                fields[0],
                                new Result(
                                        Double.parseDouble(fields[1]),
                                        Double.parseDouble(fields[6]),
                                        Double.parseDouble(fields[2])));
                    } catch (NumberFormatException notAResult) {
                        // a progress or error line
                    }
                }
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0 || results.isEmpty()) {
            process.destroyForcibly();
            throw new IOException("redis-benchmark against port " + port + " failed:\n" + String.join("\n", output));
        }
        return results;
    }
}
