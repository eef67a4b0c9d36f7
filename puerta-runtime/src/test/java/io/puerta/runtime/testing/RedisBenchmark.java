package io.puerta.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Runs the real redis-benchmark against a port and checks that every test ran and no server error came back. */
public final class RedisBenchmark {

    private RedisBenchmark() {}

    /**
     * Runs {@code tests} (redis-benchmark's -t list) with random keys (-r), so multi-key commands span servers, and
     * asserts {@code expectedLines} result lines and no error. Returns the output.
     */
    public static String runWithoutErrors(int port, String tests, int pipeline, int expectedLines) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "redis-benchmark",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-q",
                "-n",
                "20000",
                "-c",
                "20",
                "-P",
                Integer.toString(pipeline),
                "-r",
                "100000",
                "-t",
                tests));
        Process benchmark =
                new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(benchmark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!benchmark.waitFor(5, TimeUnit.MINUTES)) {
            benchmark.destroyForcibly();
            throw new AssertionError("redis-benchmark did not finish: " + output);
        }
        assertEquals(0, benchmark.exitValue(), output);
        assertEquals(
                expectedLines,
                output.lines().filter(l -> l.contains("requests per second")).count(),
                output);
        assertFalse(output.contains("ERR") || output.toLowerCase(Locale.ROOT).contains("error"), output);
        return output;
    }
}
