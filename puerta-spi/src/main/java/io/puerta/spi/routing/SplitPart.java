package io.puerta.spi.routing;

import static java.util.Objects.requireNonNull;

import io.puerta.spi.backend.Backend;
import java.util.List;

/**
 * One part of a split request: a complete command (name first) for one backend, and where its reply goes in the
 * merged reply.
 *
 * @param backend where the part is sent
 * @param args the command and its arguments; the runtime encodes them as a RESP array
 * @param positions for {@link MergeKind#ARRAY_BY_POSITION}: element {@code i} of this part's array reply becomes
 *     element {@code positions.get(i)} of the merged reply. Ignored by the other merge kinds.
 * @param prelude a command to run before this part (see {@link Prelude}), or null
 */
public record SplitPart(Backend backend, List<byte[]> args, List<Integer> positions, Prelude prelude) {
    /** Validates the components. */
    public SplitPart {
        requireNonNull(backend, "backend is null");
        requireNonNull(args, "args is null");
        requireNonNull(positions, "positions is null");
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a split part needs at least the command name");
        }
        args = List.copyOf(args);
        positions = List.copyOf(positions);
    }

    /** A part with no prelude. */
    public SplitPart(Backend backend, List<byte[]> args, List<Integer> positions) {
        this(backend, args, positions, null);
    }
}
