package io.puerta.plugin.redis.common.command;

import io.puerta.spi.request.RespCommand;
import java.util.ArrayList;
import java.util.List;

/** The argument indexes of a command's keys, from its {@link CommandSpec}. */
public final class KeyPositions {

    /** {@link CommandSpec#firstKey()} of XREAD and XREADGROUP: the keys are the first half of what follows STREAMS. */
    public static final int AFTER_STREAMS = -1;

    // the answer for a command whose one key is at index i: immutable, shared by every request
    private static final List<List<Integer>> ONE_KEY_LISTS = List.of(List.of(0), List.of(1), List.of(2), List.of(3));

    private KeyPositions() {}

    /**
     * The key indexes, or null when the arguments do not fit the spec (too few arguments, a bad numkeys): the
     * server would refuse such a command, so it is sent to one server to say so in its own words. The list may be
     * immutable.
     */
    public static List<Integer> of(CommandSpec spec, RespCommand command) {
        int argc = command.argCount();
        if (spec.firstKey() == AFTER_STREAMS) {
            return afterStreams(command);
        }
        if (spec.step() < 1 || spec.firstKey() < 1) {
            return null; // no keys where this spec says (a command without any)
        }
        if (spec.extraKey() == 0
                && spec.kind() != CommandKind.NUMKEYS
                && spec.firstKey() == spec.lastKey()
                && spec.step() == 1
                && spec.firstKey() < ONE_KEY_LISTS.size()
                && spec.firstKey() < argc
                && !hasOptionKeys(command)) {
            return ONE_KEY_LISTS.get(spec.firstKey()); // most commands: one key, no list built per request
        }
        List<Integer> keys = new ArrayList<>();
        if (spec.extraKey() > 0) {
            if (spec.extraKey() >= argc) {
                return null;
            }
            keys.add(spec.extraKey());
        }
        int first;
        int last;
        if (spec.kind() == CommandKind.NUMKEYS) {
            if (spec.firstKey() >= argc) {
                return null;
            }
            long count;
            try {
                count = Long.parseLong(command.argString(spec.firstKey()));
            } catch (NumberFormatException e) {
                return null;
            }
            first = spec.firstKey() + 1;
            last = (int) Math.min(Integer.MAX_VALUE, first + count - 1);
            if (count < 0 || last >= argc) {
                return null;
            }
        } else {
            first = spec.firstKey();
            last = spec.lastKey() < 0 ? argc + spec.lastKey() : spec.lastKey();
            if (first >= argc || last < first || (spec.step() > 1 && (last - first + 1) % spec.step() != 0)) {
                return null;
            }
            last = Math.min(last, argc - 1);
        }
        for (int i = first; i <= last; i += spec.step()) {
            keys.add(i);
        }
        addOptionKeys(command, keys);
        return keys;
    }

    /** Whether the command may name keys by an option too ({@link #addOptionKeys}). */
    private static boolean hasOptionKeys(RespCommand command) {
        String name = command.name();
        return name.equals("GEORADIUS") || name.equals("GEORADIUSBYMEMBER") || name.equals("SORT");
    }

    /**
     * Keys named by an option rather than by a place: GEORADIUS and GEORADIUSBYMEMBER write to STORE and STOREDIST
     * keys, SORT to its STORE key. They must be routed with the command's own key like any other, or a destination
     * would be written on the source key's server, where nobody reads it back.
     */
    private static void addOptionKeys(RespCommand command, List<Integer> keys) {
        String name = command.name();
        int options =
                switch (name) {
                    case "GEORADIUS" -> 6; // key longitude latitude radius unit, then options
                    case "GEORADIUSBYMEMBER" -> 5; // key member radius unit, then options
                    case "SORT" -> 2;
                    default -> -1;
                };
        if (options < 0) {
            return;
        }
        int argc = command.argCount();
        for (int i = options; i < argc; i++) {
            String option = command.argString(i).toUpperCase(java.util.Locale.ROOT);
            switch (option) {
                case "STORE", "STOREDIST" -> {
                    if (i + 1 < argc) {
                        keys.add(++i);
                    }
                }
                    // SORT's options with arguments (a pattern may be spelled like an option: skipped, not read)
                case "BY", "GET" -> i += name.equals("SORT") ? 1 : 0;
                case "LIMIT" -> i += name.equals("SORT") ? 2 : 0;
                case "COUNT" -> i += name.equals("SORT") ? 0 : 1;
                default -> {
                    // a flag (ASC, ALPHA, WITHDIST, ANY ...)
                }
            }
        }
    }

    /**
     * The patterns of SORT's BY and GET options that name other keys ({@code weight_*}, {@code obj_*->field}); not
     * {@code #} (the element itself) nor a BY without {@code *} (no sorting). Empty when there are none.
     */
    public static List<String> sortPatterns(RespCommand command) {
        List<String> patterns = new ArrayList<>();
        int argc = command.argCount();
        for (int i = 2; i < argc; i++) {
            String option = command.argString(i).toUpperCase(java.util.Locale.ROOT);
            if ((option.equals("BY") || option.equals("GET")) && i + 1 < argc) {
                String pattern = command.argString(++i);
                if (!pattern.equals("#") && pattern.contains("*")) {
                    patterns.add(pattern);
                }
            } else if (option.equals("LIMIT") || option.equals("STORE")) {
                i += option.equals("LIMIT") ? 2 : 1;
            }
        }
        return patterns;
    }

    /** Whether the command has the (case-insensitive) token {@code word} among its arguments after the name. */
    public static boolean hasToken(RespCommand command, String word) {
        for (int i = 1; i < command.argCount(); i++) {
            if (command.argString(i).equalsIgnoreCase(word)) {
                return true;
            }
        }
        return false;
    }

    private static List<Integer> afterStreams(RespCommand command) {
        int argc = command.argCount();
        for (int i = 1; i < argc; i++) {
            if (command.argString(i).equalsIgnoreCase("STREAMS")) {
                int rest = argc - i - 1;
                if (rest == 0 || rest % 2 != 0) {
                    return null;
                }
                List<Integer> keys = new ArrayList<>(rest / 2);
                for (int k = i + 1; k <= i + rest / 2; k++) {
                    keys.add(k);
                }
                return keys;
            }
        }
        return null;
    }
}
