package io.puerta.spi.routing;

import io.puerta.spi.request.RespCommand;

/**
 * A capability of RESP routers: what a command is and which of its arguments are keys. The runtime uses it to hold
 * each user of the proxy to their rights (key patterns, read-only, allowed commands and categories) before the
 * command reaches {@link Router#route}, on every key, so also on each key of a command the router will split.
 *
 * <p>Threads: called on client I/O threads, <b>concurrently with {@link Router#route}</b> and with itself. An
 * implementation must be thread-safe (read immutable tables), quick, and must never block. Without this capability a
 * router still works, but users whose rights depend on keys, categories or read-only cannot be configured for it.
 */
public interface CommandDescriber {

    /** What {@code command} is, or null when the router does not know it. */
    CommandDescription describe(RespCommand command);
}
