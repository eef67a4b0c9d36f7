package io.puerta.spi.routing;

import static java.util.Objects.requireNonNull;

import io.puerta.spi.backend.Backend;
import java.util.List;

/**
 * A command sent to a backend, and answered, before the request itself goes out; the request waits for it. An
 * error reply to the prelude is the client's reply, and the request is not sent. Used while keys move between
 * servers: {@code MIGRATE} a key from its old owner, then serve the command at the new one.
 *
 * @param backend where the prelude is sent
 * @param args the command and its arguments, encoded by the runtime as a RESP array
 */
public record Prelude(Backend backend, List<byte[]> args) {
    /** Validates the components. */
    public Prelude {
        requireNonNull(backend, "backend is null");
        requireNonNull(args, "args is null");
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a prelude needs at least the command name");
        }
        args = List.copyOf(args);
    }
}
