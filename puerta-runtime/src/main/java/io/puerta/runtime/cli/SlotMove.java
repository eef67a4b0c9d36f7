package io.puerta.runtime.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.puerta.runtime.config.ConfigLoader;
import io.puerta.runtime.config.ConfigProblems;
import io.puerta.runtime.server.Configuration;
import io.puerta.runtime.server.PuertaServer;
import io.puerta.runtime.server.SharedSource;
import io.puerta.spi.config.SharedConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code puerta slots move SLOTS SERVER}: moves slots of a {@code pikiwidb-slots} table across a whole fleet, the
 * codis way, through the document {@code slots} kept beside the shared configuration:
 *
 * <pre>
 *   (none) ──▶ preparing ──every member acknowledged──▶ migrating ──every member migrated──▶ done (an override)
 *                  │
 *                  └──a member did not acknowledge in time──▶ called off (nothing moved)
 * </pre>
 *
 * While preparing, every member answers requests for the slots {@code TRYAGAIN}; a member acknowledges by running
 * with the revision that says so. Only when all have (absent members included: one that died holds the move until
 * it is forgotten) does the move become migrating, so no member serves the slots by the old table once any serves
 * them by the new one. Each step is a compare-and-set on the document: two tools never both take a step. Run again,
 * the command sees a move it started through.
 */
final class SlotMove {

    static final String DOCUMENT = "slots";
    private static final String MOVE = "puerta.pikiwidb.slots.move";
    private static final String OVERRIDES = "puerta.pikiwidb.slots.overrides";
    private static final long POLL_MILLIS = 100;

    private final PrintStream out;
    private final PrintStream err;
    private final Path localFile;
    private final Optional<Path> home;

    SlotMove(PrintStream out, PrintStream err, Path localFile, Optional<Path> home) {
        this.out = out;
        this.err = err;
        this.localFile = localFile;
        this.home = home;
    }

    /** A move as the document records it. */
    private record Move(int id, String slots, String server, String state) {}

    /**
     * Moves {@code slots} to {@code server}, or sees through the move of them already under way.
     *
     * @param ackTimeout how long every member has to acknowledge the hold
     * @param settle how long to wait between the barrier and the migration, so that requests a member routed just
     *     before it held the slots have reached the old server before any of its keys move
     * @param migrationTimeout how long the migration may take before the command gives up waiting (the move goes
     *     on; run the command again to see it through)
     */
    int move(String slots, String server, Duration ackTimeout, Duration settle, Duration migrationTimeout) {
        ConfigLoader local = ConfigLoader.forFile(Optional.of(localFile));
        return FleetCommands.withSource(
                local,
                home,
                err,
                "slots " + slots + " to " + server,
                source -> move(source, local, slots, server, ackTimeout, settle, migrationTimeout));
    }

    private int move(
            SharedSource source,
            ConfigLoader local,
            String slots,
            String server,
            Duration ackTimeout,
            Duration settle,
            Duration migrationTimeout) {
        SharedConfig document = source.document(DOCUMENT);
        Config state = ConfigFactory.parseString(document.text());
        List<Map<String, Object>> overrides = overrides(state);
        Move move = current(state);
        long revision = document.revision();
        if (move != null && !(move.slots().equals(slots) && move.server().equals(server))) {
            err.println("move " + move.id() + " (slots " + move.slots() + " to " + move.server() + ") is "
                    + move.state() + "; see it through first: puerta slots move " + move.slots() + " "
                    + move.server());
            return 1;
        }
        if (move == null) {
            move = new Move(nextId(overrides), slots, server, "preparing");
            String text = render(overrides, move);
            try (Configuration checked =
                    Configuration.validateShared(local, home, source.readNow().text() + "\n" + text, source.kind())) {
                PuertaServer.checkPlugins(checked, false);
            } catch (ConfigProblems e) {
                err.println("slots " + slots + " cannot move to " + server + ": " + e.getMessage());
                return 1;
            }
            revision = source.publishDocument(DOCUMENT, text, revision);
            out.println("move " + move.id() + ": slots " + slots + " to " + server + ", preparing (revision " + revision
                    + ")");
        } else {
            out.println("move " + move.id() + ": slots " + slots + " to " + server + " is " + move.state()
                    + "; seeing it through");
        }
        if (move.state().equals("preparing")) {
            List<String> missing = awaitMembers(source, revision, ackTimeout, false, move.id());
            if (!missing.isEmpty()) {
                source.publishDocument(DOCUMENT, render(overrides, null), revision);
                err.println("move " + move.id() + " called off, nothing moved: " + String.join(", ", missing)
                        + " did not acknowledge within " + ackTimeout.toSeconds() + " s. A member that will not"
                        + " come back: puerta fleet forget NAME");
                return 1;
            }
            sleep(settle);
            move = new Move(move.id(), slots, server, "migrating");
            revision = source.publishDocument(DOCUMENT, render(overrides, move), revision);
            out.println("move " + move.id() + ": every member holds the slots; migrating (revision " + revision + ")");
        }
        List<String> behind = awaitMembers(source, revision, migrationTimeout, true, move.id());
        if (!behind.isEmpty()) {
            err.println("move " + move.id() + " is still migrating after " + migrationTimeout.toSeconds()
                    + " s (" + String.join(", ", behind) + "); every member serves the slots from " + server
                    + " already. Run the same command again to see it through");
            return 1;
        }
        List<Map<String, Object>> done = new ArrayList<>(overrides);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("slots", slots);
        entry.put("server", server);
        entry.put("move", move.id());
        done.add(entry);
        revision = source.publishDocument(DOCUMENT, render(done, null), revision);
        out.println("move " + move.id() + " done: slots " + slots + " are served by " + server + " (revision "
                + revision + ")");
        return 0;
    }

    /**
     * Waits until every member runs with {@code revision} or later (and, when {@code migrated}, reports its share
     * of move {@code id} done). Before migrating, members on the roster whose announcement lapsed count too: they
     * may be alive and serving by the old table. After, only live members serve the slots, all from the new server.
     *
     * @return the members still waited for when the time ran out: empty when none
     */
    private List<String> awaitMembers(SharedSource source, long revision, Duration timeout, boolean migrated, int id) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> waiting = new ArrayList<>();
            for (Map<String, Object> member : source.members()) {
                String name = String.valueOf(member.get("name"));
                boolean live = Boolean.TRUE.equals(member.get("live"));
                if (!live) {
                    if (!migrated) {
                        waiting.add(name + " (absent)");
                    }
                    continue;
                }
                long applied = member.get("appliedRevision") instanceof Number n ? n.longValue() : -1;
                if (applied < revision) {
                    waiting.add(name + " (at revision " + applied + ")");
                } else if (migrated && !migratedShare(member, id)) {
                    waiting.add(name + " (migrating)");
                }
            }
            if (waiting.isEmpty() || System.nanoTime() - deadline > 0) {
                return waiting;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return waiting;
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean migratedShare(Map<String, Object> member, int id) {
        return member.get("routing") instanceof Map<?, ?> routing
                && routing.get("move") instanceof Number move
                && move.intValue() == id
                && Boolean.TRUE.equals(routing.get("migrated"));
    }

    private static Move current(Config state) {
        if (!state.hasPath(MOVE + ".id") || state.getInt(MOVE + ".id") == 0) {
            return null;
        }
        return new Move(
                state.getInt(MOVE + ".id"),
                state.getString(MOVE + ".slots"),
                state.getString(MOVE + ".server"),
                state.getString(MOVE + ".state"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> overrides(Config state) {
        if (!state.hasPath(OVERRIDES)) {
            return List.of();
        }
        List<Map<String, Object>> overrides = new ArrayList<>();
        for (Object entry : state.getList(OVERRIDES).unwrapped()) {
            overrides.add((Map<String, Object>) entry);
        }
        return overrides;
    }

    private static int nextId(List<Map<String, Object>> overrides) {
        int last = 0;
        for (Map<String, Object> entry : overrides) {
            if (entry.get("move") instanceof Number id) {
                last = Math.max(last, id.intValue());
            }
        }
        return last + 1;
    }

    /**
     * The document: the moves done, and the move under way (id 0: none), as HOCON paths without enclosing braces,
     * since a source lays documents over the configuration's text.
     */
    private static String render(List<Map<String, Object>> overrides, Move move) {
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("id", move == null ? 0 : move.id());
        current.put("slots", move == null ? "" : move.slots());
        current.put("server", move == null ? "" : move.server());
        current.put("state", move == null ? "" : move.state());
        ConfigRenderOptions json = ConfigRenderOptions.concise();
        return OVERRIDES + " = " + ConfigValueFactory.fromIterable(overrides).render(json) + "\n" + MOVE + " = "
                + ConfigValueFactory.fromMap(current).render(json) + "\n";
    }
}
