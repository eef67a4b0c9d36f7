package io.puerta.plugin.redis.common.command;

/**
 * Where a command's keys are, in the style of Redis's COMMAND reply.
 *
 * @param firstKey argument index of the first key (for {@link CommandKind#NUMKEYS}: of the numkeys argument)
 * @param lastKey index of the last key; negative counts from the end (-1 is the last argument)
 * @param step distance between keys (2 for MSET's key/value pairs)
 * @param extraKey index of one more key outside the range, e.g. ZUNIONSTORE's destination (0 for none)
 * @param reason for REFUSED commands, why
 */
public record CommandSpec(CommandKind kind, int firstKey, int lastKey, int step, int extraKey, String reason) {

    static CommandSpec keyed(int first, int last, int step) {
        return new CommandSpec(CommandKind.KEYED, first, last, step, 0, "");
    }

    static CommandSpec splittable(int step) {
        return new CommandSpec(CommandKind.SPLITTABLE, 1, -1, step, 0, "");
    }

    static CommandSpec numkeys(int numkeysAt) {
        return new CommandSpec(CommandKind.NUMKEYS, numkeysAt, 0, 1, 0, "");
    }

    static CommandSpec proxy() {
        return new CommandSpec(CommandKind.PROXY, 0, 0, 0, 0, "");
    }

    static CommandSpec refused(String reason) {
        return new CommandSpec(CommandKind.REFUSED, 0, 0, 0, 0, reason);
    }
}
