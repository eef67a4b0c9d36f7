package io.puerta.plugin.redis.common.routing;

import io.puerta.spi.backend.Backend;
import java.util.List;

/** The servers behind a sharding router, as the proxy's own commands need them. */
public interface ServerSet {

    /** Every configured server, in configuration order (stable indexes, e.g. for SCAN cursors). */
    List<Backend> all();

    /** The servers currently serving keys (not ejected). */
    List<Backend> live();
}
