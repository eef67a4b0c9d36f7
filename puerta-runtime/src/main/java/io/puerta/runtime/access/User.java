package io.puerta.runtime.access;

import java.util.List;

/**
 * A user of the proxy ({@code puerta.auth.users}).
 *
 * @param name what clients log in as ({@code AUTH name password}; {@code AUTH password} logs in as {@code default})
 * @param password the salted hash of the password
 * @param readOnly refuses every command that may change data
 * @param keys the keys this user may name; {@code *} for every key
 * @param commands which commands this user may run
 */
public record User(String name, PasswordHash password, boolean readOnly, List<KeyPattern> keys, CommandRules commands) {

    /** The user {@code AUTH password} (one argument) logs in as, as in Redis. */
    public static final String DEFAULT = "default";

    public User {
        keys = List.copyOf(keys);
    }

    /** Whether some key is outside this user's reach (else key checks are skipped). */
    public boolean limitsKeys() {
        return keys.stream().noneMatch(k -> k.toString().equals("*"));
    }

    /** Whether this user's rights depend on what a command is (categories, read-only, keys). */
    public boolean needsDescriptions() {
        return readOnly || limitsKeys() || commands.usesCategories();
    }

    public boolean mayAccess(byte[] key) {
        for (KeyPattern pattern : keys) {
            if (pattern.matches(key)) {
                return true;
            }
        }
        return false;
    }
}
