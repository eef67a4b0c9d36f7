package io.puerta.spi.metrics;

/**
 * Metrics a plugin reports through the runtime's registry, named {@code puerta.plugin.<factory>.<name>}, without
 * depending on any metrics library.
 */
public interface PluginMetrics {

    /** The counter of that name, created on first use. */
    Counter counter(String name);

    /** Registers a gauge read whenever metrics are exported; it must be cheap and thread-safe. */
    void gauge(String name, java.util.function.LongSupplier value);
}
