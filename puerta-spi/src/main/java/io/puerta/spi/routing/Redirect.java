package io.puerta.spi.routing;

import static java.util.Objects.requireNonNull;

import io.puerta.spi.backend.Backend;

/**
 * A Redis Cluster redirection a backend answered with.
 *
 * @param moved true for {@code MOVED} (the slot belongs to {@code target} now), false for {@code ASK} (this one
 *     request is to be served by {@code target} while the slot migrates)
 * @param slot the hash slot named in the redirection
 * @param target the node named in the redirection
 */
public record Redirect(boolean moved, int slot, Backend target) {
    /** Validates the components. */
    public Redirect {
        requireNonNull(target, "target is null");
    }
}
