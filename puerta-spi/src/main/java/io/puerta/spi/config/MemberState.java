package io.puerta.spi.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What an instance reports about itself to its fleet, each time it changes.
 *
 * @param appliedRevision the revision of the shared configuration it runs with
 * @param outcome how the last change went: {@code applied}, {@code partly-applied}, {@code not-applied} or
 *     {@code rejected}, followed by the problems' summary (setting names, never values)
 * @param ready whether it serves requests (its listener is open and its backends are reachable)
 * @param routing what its router tells the fleet (its status entry {@code fleet}, such as the progress of a slot
 *     move); empty when it tells nothing
 */
public record MemberState(long appliedRevision, String outcome, boolean ready, Map<String, Object> routing) {
    /** Validates the components. */
    public MemberState {
        requireNonNull(outcome, "outcome is null");
        routing = Map.copyOf(routing);
    }
}
