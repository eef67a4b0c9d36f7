package io.puerta.plugin.pikiwidb.ring;

import static java.util.Objects.requireNonNull;

/**
 * A server as the distribution sees it.
 *
 * @param name what ketama hashes to place the server's points: twemproxy uses the server's name when one is given,
 *     else {@code host:port} (and {@code host} alone for port 11211, as libmemcached did)
 * @param weight relative share of the keys
 * @param index position in the configured server list; what {@link Distribution#select} returns
 */
public record RingServer(String name, int weight, int index) {
    public RingServer {
        requireNonNull(name, "name is null");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1, got " + weight);
        }
    }

    /** The ketama name twemproxy derives for a server without an explicit name. */
    public static String defaultName(String host, int port) {
        return port == 11211 ? host : host + ":" + port;
    }
}
