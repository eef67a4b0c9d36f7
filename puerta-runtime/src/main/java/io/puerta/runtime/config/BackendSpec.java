package io.puerta.runtime.config;

import static java.util.Objects.requireNonNull;

import io.puerta.spi.backend.BackendRole;
import io.puerta.spi.backend.Credentials;

/**
 * One configured backend server.
 *
 * @param credentials its own login ({@code auth} in its entry), or null to use the pool's ({@code backend.auth})
 */
public record BackendSpec(String name, String host, int port, int weight, BackendRole role, Credentials credentials) {

    /** A backend without credentials of its own. */
    public BackendSpec(String name, String host, int port, int weight, BackendRole role) {
        this(name, host, port, weight, role, null);
    }

    public BackendSpec {
        requireNonNull(name, "name is null");
        requireNonNull(host, "host is null");
        requireNonNull(role, "role is null");
    }

    public String address() {
        return host + ":" + port;
    }
}
