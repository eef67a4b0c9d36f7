package io.puerta.runtime.access;

import java.util.Collection;
import java.util.Map;

/**
 * The users of the proxy. None configured: clients need not authenticate (as before authentication existed).
 *
 * @param failuresBeforeDelay failed logins from one address answered at once; each further one is delayed, doubling
 * @param maxFailureDelay the longest a failed login is delayed
 */
public record Users(Map<String, User> byName, int failuresBeforeDelay, java.time.Duration maxFailureDelay) {

    public static final Users NONE = new Users(Map.of(), 3, java.time.Duration.ofSeconds(5));

    public Users {
        byName = Map.copyOf(byName);
    }

    /** Whether clients must authenticate. */
    public boolean required() {
        return !byName.isEmpty();
    }

    public User get(String name) {
        return byName.get(name);
    }

    public Collection<User> all() {
        return byName.values();
    }

    /** Whether some user's rights depend on what commands are (so the router must describe them). */
    public boolean needDescriptions() {
        return byName.values().stream().anyMatch(User::needsDescriptions);
    }

    @Override
    public String toString() {
        return "Users" + byName.keySet();
    }
}
