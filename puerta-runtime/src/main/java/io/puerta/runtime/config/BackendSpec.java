package io.puerta.runtime.config;

import static java.util.Objects.requireNonNull;

import io.puerta.spi.backend.BackendRole;

/** One configured backend server. */
public record BackendSpec(String name, String host, int port, int weight, BackendRole role) {
    public BackendSpec {
        requireNonNull(name, "name is null");
        requireNonNull(host, "host is null");
        requireNonNull(role, "role is null");
    }

    public String address() {
        return host + ":" + port;
    }
}
