package io.puerta.spi.routing;

import java.util.Map;

/**
 * A capability of routers that can show operators their state (the admin listener's {@code /status} and status
 * page) and say whether every request has somewhere to go ({@code /ready}).
 *
 * <p>Threads: both methods are called on the routing stage, in order with requests, like {@link Router#route}, so
 * they may read routing state without locks. They must be quick: an open status page asks every second.
 */
public interface StatusAware {

    /**
     * What an operator should see of this router: JSON values only (maps with string keys, lists, strings,
     * numbers, booleans, null). For example the slot map as ranges with their owners, or the ring's servers.
     */
    Map<String, Object> status();

    /**
     * Null when every key (every message) has a healthy backend to go to; otherwise why not, in a few words
     * ("slots 0-5460 have no reachable master", "no mongos is healthy"). A proxy with a gap is not ready.
     */
    String unroutable();
}
