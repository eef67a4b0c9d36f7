package io.puerta.spi.metrics;

/** A monotonically increasing count. Thread-safe. */
public interface Counter {

    /** Adds one. */
    void inc();

    /** The current count. */
    long count();
}
