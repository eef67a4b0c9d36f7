package io.puerta.plugin.redis.common.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One entry of a server's {@code COMMAND} reply: {@code [name, arity, flags, first key, last key, step, ACL
 * categories, tips, key specs, subcommands]} (Redis 7; older servers stop after the categories or the step).
 *
 * @param name as the server spells it, lower case; a subcommand's is {@code container|sub} ({@code config|set})
 * @param flags lower-case, as the server lists them ({@code write}, {@code readonly}, {@code movablekeys}, ...)
 * @param categories ACL categories, lower case without the {@code @}; empty from a server older than Redis 6
 */
public record LearnedCommand(
        String name, int arity, Set<String> flags, int firstKey, int lastKey, int step, Set<String> categories) {

    /**
     * The entries of a {@code COMMAND} reply as {@code BlockingRespClient} returns it: a list of lists of byte arrays
     * (bulk strings), strings (status replies) and longs. Subcommands follow their container in the list. Entries it
     * cannot read are skipped.
     */
    public static List<LearnedCommand> parse(Object reply) {
        List<LearnedCommand> commands = new ArrayList<>();
        if (reply instanceof List<?> entries) {
            parseInto(entries, commands);
        }
        return commands;
    }

    /** Whether this is a subcommand ({@code config|set}), which describes but never routes. */
    public boolean isSubcommand() {
        return name.indexOf('|') >= 0;
    }

    private static void parseInto(List<?> entries, List<LearnedCommand> commands) {
        for (Object entry : entries) {
            if (entry instanceof List<?> fields && fields.size() >= 6) {
                try {
                    commands.add(new LearnedCommand(
                            text(fields.get(0)).toLowerCase(Locale.ROOT),
                            number(fields.get(1)),
                            words(fields.get(2), ""),
                            number(fields.get(3)),
                            number(fields.get(4)),
                            number(fields.get(5)),
                            fields.size() > 6 ? words(fields.get(6), "@") : Set.of()));
                } catch (RuntimeException e) {
                    continue; // an entry of a shape we do not know: the command stays unknown
                }
                if (fields.size() > 9 && fields.get(9) instanceof List<?> subcommands) {
                    parseInto(subcommands, commands);
                }
            }
        }
    }

    private static Set<String> words(Object field, String prefix) {
        Set<String> words = new HashSet<>();
        if (field instanceof List<?> list) {
            for (Object word : list) {
                String text = text(word).toLowerCase(Locale.ROOT);
                words.add(text.startsWith(prefix) ? text.substring(prefix.length()) : text);
            }
        }
        return Set.copyOf(words);
    }

    /** How a proxy treats this command (see {@link CommandTable#learn}). */
    CommandSpec spec() {
        if (flags.contains("movablekeys")) {
            return CommandSpec.refused("its keys are where only the server can find them (movablekeys)");
        }
        if (firstKey <= 0 || step <= 0) {
            return CommandSpec.refused("it has no keys, so it acts on one server, not on the data behind the proxy");
        }
        CommandSpec spec = CommandSpec.keyed(firstKey, lastKey, step);
        if (flags.contains("readonly")) {
            spec = spec.readingOnly();
        }
        return flags.contains("blocking") ? spec.waiting() : spec;
    }

    private static String text(Object value) {
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof String string) {
            return string;
        }
        throw new IllegalArgumentException("not text: " + value);
    }

    private static int number(Object value) {
        if (value instanceof Long number) {
            return Math.toIntExact(number);
        }
        throw new IllegalArgumentException("not a number: " + value);
    }
}
