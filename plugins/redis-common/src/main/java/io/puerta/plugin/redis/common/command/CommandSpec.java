package io.puerta.plugin.redis.common.command;

/**
 * Where a command's keys are, in the style of Redis's COMMAND reply.
 *
 * @param firstKey argument index of the first key (for {@link CommandKind#NUMKEYS}: of the numkeys argument;
 *     {@link KeyPositions#AFTER_STREAMS} for XREAD's keys)
 * @param lastKey index of the last key; negative counts from the end (-1 is the last argument)
 * @param step distance between keys (2 for MSET's key/value pairs)
 * @param extraKey index of one more key outside the range, e.g. ZUNIONSTORE's destination (0 for none)
 * @param reason for REFUSED commands, why
 * @param readOnly whether the command only reads, so a replica may serve it
 * @param blocking whether the command may wait (BLPOP, BLMOVE, XREAD BLOCK): it goes on the client's own backend
 *     connection, so it delays no other client
 */
public record CommandSpec(
        CommandKind kind,
        int firstKey,
        int lastKey,
        int step,
        int extraKey,
        String reason,
        boolean readOnly,
        boolean blocking) {

    static CommandSpec keyed(int first, int last, int step) {
        return new CommandSpec(CommandKind.KEYED, first, last, step, 0, "", false, false);
    }

    static CommandSpec splittable(int step) {
        return new CommandSpec(CommandKind.SPLITTABLE, 1, -1, step, 0, "", false, false);
    }

    static CommandSpec numkeys(int numkeysAt) {
        return new CommandSpec(CommandKind.NUMKEYS, numkeysAt, 0, 1, 0, "", false, false);
    }

    static CommandSpec of(CommandKind kind) {
        return new CommandSpec(kind, 0, 0, 0, 0, "", false, false);
    }

    static CommandSpec refused(String reason) {
        return new CommandSpec(CommandKind.REFUSED, 0, 0, 0, 0, reason, false, false);
    }

    /** This spec for a command that only reads. */
    CommandSpec readingOnly() {
        return new CommandSpec(kind, firstKey, lastKey, step, extraKey, reason, true, blocking);
    }

    /** This spec for a command that may wait. */
    CommandSpec waiting() {
        return new CommandSpec(kind, firstKey, lastKey, step, extraKey, reason, readOnly, true);
    }
}
