package io.puerta.plugin.redis.common.command;

import java.util.HashSet;
import java.util.Set;

/**
 * A command's ACL categories and whether it writes, when the servers did not describe it (no {@code COMMAND} reply
 * yet, or a server older than Redis 6): derived from the built-in table, with the categories Redis gives the
 * commands a proxy answers itself. What the servers say always wins ({@link CommandTable#describe}).
 */
final class BuiltinTraits {

    private static final Set<String> CONNECTION = Set.of("PING", "ECHO", "QUIT", "HELLO", "SELECT", "CLIENT", "AUTH");
    private static final Set<String> DANGEROUS = Set.of("FLUSHALL", "FLUSHDB", "KEYS", "CONFIG", "INFO", "LASTSAVE");

    private BuiltinTraits() {}

    static Set<String> categories(String name, CommandSpec spec) {
        Set<String> categories = new HashSet<>();
        if (CONNECTION.contains(name)) {
            categories.add("connection");
        }
        if (DANGEROUS.contains(name)) {
            categories.add("dangerous");
        }
        switch (name) {
            case "FLUSHALL", "FLUSHDB" -> categories.addAll(Set.of("keyspace", "write"));
            case "KEYS", "SCAN", "DBSIZE", "RANDOMKEY" -> categories.addAll(Set.of("keyspace", "read"));
            case "CONFIG", "LASTSAVE" -> categories.add("admin");
            default -> {}
        }
        if (name.startsWith("EVAL") || name.startsWith("FCALL") || name.equals("SCRIPT")) {
            categories.add("scripting");
        }
        switch (spec.kind()) {
            case KEYED, SPLITTABLE, NUMKEYS -> categories.add(spec.readOnly() ? "read" : "write");
            case PUBSUB -> categories.add("pubsub");
            case TRANSACTION -> categories.add("transaction");
            case REFUSED -> categories.addAll(Set.of("admin", "dangerous"));
            default -> {}
        }
        if (spec.blocking()) {
            categories.add("blocking");
        }
        return categories;
    }

    /** Whether a command of the built-in table may change data: every keyed command not marked read-only. */
    static boolean writes(String name, CommandSpec spec) {
        Set<String> categories = categories(name, spec);
        return categories.contains("write") || (categories.contains("scripting") && !name.endsWith("_RO"));
    }

    /**
     * Whether a command the servers described may change data: flagged {@code write}, or a script or function that
     * is not the read-only variant (what it writes is known only when it runs).
     */
    static boolean writes(LearnedCommand command) {
        if (command.flags().contains("write") || command.categories().contains("write")) {
            return true;
        }
        return command.categories().contains("scripting")
                && !command.flags().contains("readonly")
                && !command.name().endsWith("_ro");
    }
}
