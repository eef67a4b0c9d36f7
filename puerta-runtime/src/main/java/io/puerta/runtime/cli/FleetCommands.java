package io.puerta.runtime.cli;

import io.puerta.runtime.config.ConfigLoader;
import io.puerta.runtime.config.ConfigProblems;
import io.puerta.runtime.server.Configuration;
import io.puerta.runtime.server.PuertaServer;
import io.puerta.runtime.server.SharedSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operators' commands of a fleet that shares its configuration through a source ({@code puerta.config-source}
 * in the instance's file names it): {@code config push}, {@code config show} and {@code fleet status}. They open the
 * source as the instances do, but join nothing.
 */
final class FleetCommands {

    private final PrintStream out;
    private final PrintStream err;
    private final Path localFile;
    private final Optional<Path> home;

    FleetCommands(PrintStream out, PrintStream err, Path localFile, Optional<Path> home) {
        this.out = out;
        this.err = err;
        this.localFile = localFile;
        this.home = home;
    }

    /** What places keys in a slot table: a fleet changes it only through {@code puerta slots move}. */
    private static final List<String> SLOT_TABLE =
            List.of("puerta.pikiwidb.slots.count", "puerta.pikiwidb.slots.hash-tag", "puerta.pikiwidb.slots.ranges");

    /**
     * Checks {@code file} as the shared configuration over the local file, with the documents kept beside it (a
     * slot table's moves), then writes it for the fleet. A file that would change where a slot table puts keys is
     * refused unless {@code force}: every member would start its own migration at its own moment.
     */
    int push(Path file, boolean force) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getClass().getSimpleName());
            return 1;
        }
        ConfigLoader local = ConfigLoader.forFile(Optional.of(localFile));
        return withSource(local, home, err, "cannot push " + file, source -> {
            String documents = source.document(SlotMove.DOCUMENT).text();
            try (Configuration checked =
                    Configuration.validateShared(local, home, text + "\n" + documents, source.kind())) {
                PuertaServer.checkPlugins(checked, false);
            } catch (ConfigProblems e) {
                err.println(file + " is not pushed: " + e.getMessage());
                return 1;
            }
            String moved = slotTableChange(source.readNow().text(), text + "\n" + documents);
            if (moved != null && !force) {
                err.println(file + " is not pushed: it changes " + moved + ", which would move keys between servers"
                        + " at a different moment on each member. Move slots with puerta slots move SLOTS SERVER"
                        + " (docs/fleet.md); --force pushes it anyway, for a fleet whose members are all stopped.");
                return 1;
            }
            long revision = source.publish(text);
            out.println("pushed " + file + " to " + source.describe() + " as revision " + revision);
            return 0;
        });
    }

    /**
     * Opens the source {@code local} names and runs {@code command} with it. A source that fails is reported as
     * {@code failure} and its reason, and the command exits 1; a local file that is not valid is the caller's
     * (ConfigProblems), as for every command.
     */
    static int withSource(
            ConfigLoader local,
            Optional<Path> home,
            PrintStream err,
            String failure,
            java.util.function.ToIntFunction<SharedSource> command) {
        try (SharedSource source = Configuration.openSource(local, home)) {
            return command.applyAsInt(source);
        } catch (ConfigProblems e) {
            throw e;
        } catch (RuntimeException e) {
            err.println(failure + ": " + e.getMessage());
            return 1;
        }
    }

    /** The first slot-table setting that differs between two shared texts that both set one; null when none does. */
    private static String slotTableChange(String before, String after) {
        com.typesafe.config.Config old;
        com.typesafe.config.Config next;
        try {
            old = com.typesafe.config.ConfigFactory.parseString(before);
            next = com.typesafe.config.ConfigFactory.parseString(after);
        } catch (com.typesafe.config.ConfigException e) {
            return null; // what runs now does not parse: nothing to keep
        }
        for (String path : SLOT_TABLE) {
            if (old.hasPath(path)
                    && next.hasPath(path)
                    && !old.getValue(path)
                            .unwrapped()
                            .equals(next.getValue(path).unwrapped())) {
                return path;
            }
        }
        return null;
    }

    /** Forgets a member that will not come back. */
    int forget(String member) {
        return withSource(local(), home, err, "cannot forget " + member, source -> {
            source.forget(member);
            out.println("forgot " + member + " (" + source.describe() + ")");
            return 0;
        });
    }

    /** Prints the shared configuration and its revision. */
    int show() {
        return withSource(local(), home, err, "cannot read the shared configuration", source -> {
            var shared = source.readNow();
            out.println("# " + source.describe() + ", revision " + shared.revision());
            out.println(shared.text().isEmpty() ? "# (nothing is shared yet)" : shared.text());
            return 0;
        });
    }

    /** Lists the live members, the revision each runs with, and who is behind the newest. */
    int status() {
        return withSource(local(), home, err, "cannot list the fleet", source -> {
            long newest = source.readNow().revision();
            List<Map<String, Object>> members = source.members();
            long live = members.stream()
                    .filter(m -> Boolean.TRUE.equals(m.get("live")))
                    .count();
            out.println(source.describe() + ": shared revision " + newest + ", " + live + " member(s)"
                    + (live < members.size() ? ", " + (members.size() - live) + " absent" : ""));
            out.printf(
                    "%-24s %-22s %-16s %-9s %-6s %s%n", "MEMBER", "ADDRESS", "VERSION", "REVISION", "READY", "STATE");
            int behind = 0;
            for (Map<String, Object> member : members) {
                if (!Boolean.TRUE.equals(member.get("live"))) {
                    out.printf(
                            "%-24s %-22s %-16s %-9s %-6s %s%n",
                            member.get("name"),
                            member.getOrDefault("address", ""),
                            "",
                            "",
                            "",
                            "ABSENT (its announcement lapsed; slot moves wait for it: puerta fleet forget "
                                    + member.get("name") + ")");
                    continue;
                }
                Object applied = member.get("appliedRevision");
                boolean late = !(applied instanceof Number n) || n.longValue() < newest;
                behind += late ? 1 : 0;
                out.printf(
                        "%-24s %-22s %-16s %-9s %-6s %s%n",
                        member.get("name"),
                        member.getOrDefault("address", ""),
                        member.getOrDefault("version", ""),
                        applied == null ? "?" : applied,
                        member.getOrDefault("ready", "?"),
                        (late ? "BEHIND " : "") + member.getOrDefault("outcome", member.getOrDefault("error", "")));
            }
            if (behind > 0) {
                out.println(behind + " member(s) behind revision " + newest);
            }
            return 0;
        });
    }

    private ConfigLoader local() {
        return ConfigLoader.forFile(Optional.of(localFile));
    }
}
