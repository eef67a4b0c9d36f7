package io.puerta.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The figures of one fault-suite scenario: printed, and kept in {@code target/fault-figures.tsv} of the module, where
 * test.sh gathers every module's rows into one table (and docs/reliability.md shows the latest run's).
 *
 * @param scenario what was done
 * @param operations requests the load made (answered or not)
 * @param errors error replies and client-side failures the load saw
 * @param errorWindow when the errors came, relative to the fault and to the cluster's own recovery (promotion)
 * @param wrongReplies replies that were not what the data said
 * @param lostByProxy acknowledged writes missing at the end that the servers did not lose
 * @param lostByServers acknowledged writes the servers themselves lost (asynchronous replication; see the test)
 */
public record FaultReport(
        String scenario,
        long operations,
        long errors,
        String errorWindow,
        long wrongReplies,
        long lostByProxy,
        long lostByServers) {

    /** The figures of a scenario whose load was a {@link JedisLoad}, timed by {@code clock}. */
    public static FaultReport of(String scenario, JedisLoad load, FaultClock clock, long lostByProxy) {
        return new FaultReport(
                scenario,
                load.operations(),
                clock.errors(),
                clock.window(),
                load.wrongReplies(),
                lostByProxy,
                load.lostByServers());
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n\\t]+", " ").trim();
    }

    /** Prints the row and appends it to the module's figures. */
    public FaultReport publish() {
        String row = String.join(
                "\t",
                oneLine(scenario),
                Long.toString(operations),
                Long.toString(errors),
                oneLine(errorWindow),
                Long.toString(wrongReplies),
                Long.toString(lostByProxy),
                Long.toString(lostByServers));
        System.out.println("FAULT FIGURES | " + row.replace("\t", " | "));
        try {
            Files.writeString(
                    Path.of("target", "fault-figures.tsv"),
                    row + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
