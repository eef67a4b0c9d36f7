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

    /** Checks {@code file} as the shared configuration over the local file, then writes it for the fleet. */
    int push(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getClass().getSimpleName());
            return 1;
        }
        ConfigLoader local = ConfigLoader.forFile(Optional.of(localFile));
        try (SharedSource source = Configuration.openSource(local, home)) {
            try (Configuration checked = Configuration.validateShared(local, home, text, source.kind())) {
                PuertaServer.checkPlugins(checked, false);
            } catch (ConfigProblems e) {
                err.println(file + " is not pushed: " + e.getMessage());
                return 1;
            }
            long revision = source.publish(text);
            out.println("pushed " + file + " to " + source.describe() + " as revision " + revision);
            return 0;
        } catch (RuntimeException e) {
            if (e instanceof ConfigProblems) {
                throw e;
            }
            err.println("cannot push " + file + ": " + e.getMessage());
            return 1;
        }
    }

    /** Forgets a member that will not come back. */
    int forget(String member) {
        try (SharedSource source = Configuration.openSource(ConfigLoader.forFile(Optional.of(localFile)), home)) {
            source.forget(member);
            out.println("forgot " + member + " (" + source.describe() + ")");
            return 0;
        } catch (ConfigProblems e) {
            throw e;
        } catch (RuntimeException e) {
            err.println("cannot forget " + member + ": " + e.getMessage());
            return 1;
        }
    }

    /** Prints the shared configuration and its revision. */
    int show() {
        try (SharedSource source = Configuration.openSource(ConfigLoader.forFile(Optional.of(localFile)), home)) {
            var shared = source.readNow();
            out.println("# " + source.describe() + ", revision " + shared.revision());
            out.println(shared.text().isEmpty() ? "# (nothing is shared yet)" : shared.text());
            return 0;
        } catch (ConfigProblems e) {
            throw e;
        } catch (RuntimeException e) {
            err.println("cannot read the shared configuration: " + e.getMessage());
            return 1;
        }
    }

    /** Lists the live members, the revision each runs with, and who is behind the newest. */
    int status() {
        try (SharedSource source = Configuration.openSource(ConfigLoader.forFile(Optional.of(localFile)), home)) {
            long newest = source.readNow().revision();
            List<Map<String, Object>> members = source.members();
            long live = members.stream()
                    .filter(m -> Boolean.TRUE.equals(m.get("live")))
                    .count();
            out.println(source.describe() + ": shared revision " + newest + ", " + live + " member(s)"
                    + (live < members.size() ? ", " + (members.size() - live) + " absent" : ""));
            out.printf(
                    "%-24s %-22s %-12s %-9s %-6s %s%n", "MEMBER", "ADDRESS", "VERSION", "REVISION", "READY", "STATE");
            int behind = 0;
            for (Map<String, Object> member : members) {
                if (!Boolean.TRUE.equals(member.get("live"))) {
                    out.printf(
                            "%-24s %-22s %-12s %-9s %-6s %s%n",
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
                        "%-24s %-22s %-12s %-9s %-6s %s%n",
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
        } catch (ConfigProblems e) {
            throw e;
        } catch (RuntimeException e) {
            err.println("cannot list the fleet: " + e.getMessage());
            return 1;
        }
    }
}
