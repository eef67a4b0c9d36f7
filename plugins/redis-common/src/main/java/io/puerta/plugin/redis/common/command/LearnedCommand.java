package io.puerta.plugin.redis.common.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One entry of a server's {@code COMMAND} reply: {@code [name, arity, flags, first key, last key, step, ...]}.
 *
 * @param flags lower-case, as the server lists them ({@code write}, {@code readonly}, {@code movablekeys}, ...)
 */
public record LearnedCommand(String name, int arity, Set<String> flags, int firstKey, int lastKey, int step) {

    /**
     * The entries of a {@code COMMAND} reply as {@link io.puerta.spi.resp.BlockingRespClient} returns it: a list of
     * lists of byte arrays (bulk strings), strings (status replies) and longs. Entries it cannot read are skipped.
     */
    public static List<LearnedCommand> parse(Object reply) {
        List<LearnedCommand> commands = new ArrayList<>();
        if (!(reply instanceof List<?> entries)) {
            return commands;
        }
        for (Object entry : entries) {
            if (entry instanceof List<?> fields && fields.size() >= 6) {
                try {
                    Set<String> flags = new HashSet<>();
                    if (fields.get(2) instanceof List<?> list) {
                        for (Object flag : list) {
                            flags.add(text(flag).toLowerCase(Locale.ROOT));
                        }
                    }
                    commands.add(new LearnedCommand(
                            text(fields.get(0)),
                            number(fields.get(1)),
                            Set.copyOf(flags),
                            number(fields.get(3)),
                            number(fields.get(4)),
                            number(fields.get(5))));
                } catch (RuntimeException e) {
                    // an entry of a shape we do not know: the command stays unknown
                }
            }
        }
        return commands;
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
