package io.puerta.spi.config;

import static java.util.Objects.requireNonNull;

/**
 * An instance of the fleet, as it announces itself when it joins.
 *
 * @param name unique in the fleet (by default the listener's host:port)
 * @param address where clients reach it, host:port
 * @param admin its admin listener, host:port, or empty without one
 * @param version the Puerta version it runs
 */
public record Member(String name, String address, String admin, String version) {
    /** Validates the components. */
    public Member {
        requireNonNull(name, "name is null");
        requireNonNull(address, "address is null");
        requireNonNull(admin, "admin is null");
        requireNonNull(version, "version is null");
    }
}
