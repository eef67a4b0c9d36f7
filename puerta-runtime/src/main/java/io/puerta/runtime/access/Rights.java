package io.puerta.runtime.access;

import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.CommandDescriber;
import io.puerta.spi.routing.CommandDescription;
import java.util.Locale;

/**
 * Holds a user to their rights, command by command, before the command is routed: the command (by name, subcommand
 * and categories), read-only, and every key it names — all of a multi-key command's keys, so each part a router
 * splits it into is covered. Any thread; the describer is the router's, thread-safe by contract.
 */
public final class Rights {

    private final CommandDescriber describer;

    /** @param describer what the router says commands are; null when it cannot say */
    public Rights(CommandDescriber describer) {
        this.describer = describer;
    }

    /** Whether {@code user} may use this router at all: a user whose rights depend on what commands are needs it. */
    public boolean canEnforce(User user) {
        return describer != null || !user.needsDescriptions();
    }

    /**
     * Null when {@code user} may run {@code command}; else the error to answer, Redis's {@code NOPERM}, naming the
     * command or the key (which the client sent itself) and never anything else of the user.
     */
    public String refusal(User user, RespCommand command) {
        String name = command.name();
        String sub = command.argCount() > 1 ? command.argString(1).toUpperCase(Locale.ROOT) : null;
        if (!user.needsDescriptions()) {
            return user.commands().allows(name, sub, null) ? null : noCommand(user, name);
        }
        CommandDescription description = describer == null ? null : describer.describe(command);
        if (description == null) {
            return "NOPERM User " + user.name() + " has no permissions to run the '" + lower(name)
                    + "' command: the proxy cannot tell what it does";
        }
        if (!user.commands().allows(name, sub, description.categories())) {
            return noCommand(user, name);
        }
        if (user.readOnly() && description.writes()) {
            return "NOPERM User " + user.name() + " is read-only and has no permissions to run the '" + lower(name)
                    + "' command";
        }
        if (user.limitsKeys()) {
            if (description.keys() == null) {
                return "NOPERM User " + user.name() + " has no permissions to run the '" + lower(name)
                        + "' command with these arguments: its keys cannot be told";
            }
            for (int index : description.keys()) {
                if (!user.mayAccess(command.argBytes(index))) {
                    return "NOPERM User " + user.name() + " has no permissions to access the '"
                            + command.argString(index) + "' key";
                }
            }
        }
        return null;
    }

    private static String noCommand(User user, String name) {
        return "NOPERM User " + user.name() + " has no permissions to run the '" + lower(name) + "' command";
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
