package io.puerta.runtime.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which commands a user may run, as an ordered list of Redis-ACL-style rules: {@code +@all}, {@code -@dangerous},
 * {@code +get}, {@code -config|set}. A command is allowed when the last rule that names it (by name, by
 * {@code name|subcommand}, or by one of its categories; {@code @all} names every command) is a {@code +}; a command
 * no rule names is refused.
 */
public final class CommandRules {

    /** Every command. */
    public static final CommandRules ALL = parse(List.of("+@all"));

    private record Rule(boolean allow, String category, String name, String sub) {
        boolean names(String command, String subcommand, Set<String> categories) {
            if (category != null) {
                return category.equals("all") || (categories != null && categories.contains(category));
            }
            if (!name.equals(command)) {
                return false;
            }
            return sub == null || sub.equals(subcommand);
        }
    }

    private final List<Rule> rules;
    private final boolean usesCategories;

    private CommandRules(List<Rule> rules) {
        this.rules = rules;
        this.usesCategories = rules.stream().anyMatch(r -> r.category != null && !r.category.equals("all"));
    }

    /**
     * Reads rules.
     *
     * @throws IllegalArgumentException naming the rule that is not one
     */
    public static CommandRules parse(List<String> texts) {
        List<Rule> rules = new ArrayList<>();
        for (String text : texts) {
            String rule = text.trim().toLowerCase(Locale.ROOT);
            if (rule.equals("allcommands")) {
                rule = "+@all";
            } else if (rule.equals("nocommands")) {
                rule = "-@all";
            }
            if (rule.length() < 2 || (rule.charAt(0) != '+' && rule.charAt(0) != '-')) {
                throw new IllegalArgumentException("'" + text + "' is not a rule: expected +name, -name, +@category,"
                        + " -@category or +name|subcommand");
            }
            boolean allow = rule.charAt(0) == '+';
            String body = rule.substring(1);
            if (body.startsWith("@")) {
                if (body.length() == 1) {
                    throw new IllegalArgumentException("'" + text + "' names no category");
                }
                rules.add(new Rule(allow, body.substring(1), null, null));
            } else {
                int bar = body.indexOf('|');
                String name = (bar < 0 ? body : body.substring(0, bar)).toUpperCase(Locale.ROOT);
                String sub = bar < 0 ? null : body.substring(bar + 1).toUpperCase(Locale.ROOT);
                if (name.isEmpty() || (sub != null && sub.isEmpty())) {
                    throw new IllegalArgumentException("'" + text + "' names no command");
                }
                rules.add(new Rule(allow, null, name, sub));
            }
        }
        return new CommandRules(List.copyOf(rules));
    }

    /**
     * Whether the command may run.
     *
     * @param name upper case
     * @param subcommand the first argument in upper case, or null
     * @param categories the command's categories (lower case, no {@code @}), or null when unknown: then only rules by
     *     name and {@code @all} can name it
     */
    public boolean allows(String name, String subcommand, Set<String> categories) {
        boolean allowed = false;
        for (Rule rule : rules) {
            if (rule.names(name, subcommand, categories)) {
                allowed = rule.allow;
            }
        }
        return allowed;
    }

    /** Whether some rule names a category other than {@code @all} (then commands must be described). */
    public boolean usesCategories() {
        return usesCategories;
    }
}
