package io.puerta.spi.backend;

/** The health of a backend as the runtime last saw it. */
public enum BackendHealth {
    /** Not checked yet. Routed to, since most servers are up when the proxy starts. */
    UNKNOWN,
    /** The last checks passed. */
    UP,
    /** The last checks failed; routers should avoid it. */
    DOWN;

    /** Whether a router may send new work to a backend in this state. */
    public boolean usable() {
        return this != DOWN;
    }
}
