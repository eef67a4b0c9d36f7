package io.puerta.runtime.frontdoor.mongo;

import java.util.Map;

/**
 * MongoDB error codes by name, for the errors a router or the proxy gives: a failure message starting with one of
 * these names and a colon gets that code, so drivers react as they would to the server (retrying HostUnreachable,
 * for one).
 */
final class MongoErrorCodes {

    private static final Map<String, Integer> CODES = Map.ofEntries(
            Map.entry("InternalError", 1),
            Map.entry("BadValue", 2),
            Map.entry("HostUnreachable", 6),
            Map.entry("HostNotFound", 7),
            Map.entry("Unauthorized", 13),
            Map.entry("AuthenticationFailed", 18),
            Map.entry("CursorNotFound", 43),
            Map.entry("CommandNotFound", 59),
            Map.entry("NetworkTimeout", 89),
            Map.entry("ShutdownInProgress", 91),
            Map.entry("CommandNotSupported", 115),
            Map.entry("NoSuchTransaction", 251));

    private MongoErrorCodes() {}

    /** The code of {@code name}, or null for a name not listed. */
    static Integer code(String name) {
        return CODES.get(name);
    }
}
