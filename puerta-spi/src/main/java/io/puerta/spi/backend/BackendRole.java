package io.puerta.spi.backend;

/** The role of a backend in its cluster. */
public enum BackendRole {
    /** A server that is not part of a cluster (pikiwidb, a standalone Redis). */
    STANDALONE,
    /** A Redis Cluster master. */
    MASTER,
    /** A Redis Cluster replica. */
    REPLICA,
    /** A MongoDB {@code mongos} router. */
    MONGOS
}
