package io.puerta.plugin.redis.common.command;

import io.puerta.spi.request.RespCommand;
import java.util.ArrayList;
import java.util.List;

/** The argument indexes of a command's keys, from its {@link CommandSpec}. */
public final class KeyPositions {

    private KeyPositions() {}

    /**
     * The key indexes, or null when the arguments do not fit the spec (too few arguments, a bad numkeys): the
     * server would refuse such a command, so it is sent to one server to say so in its own words.
     */
    public static List<Integer> of(CommandSpec spec, RespCommand command) {
        int argc = command.argCount();
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
        return keys;
    }
}
