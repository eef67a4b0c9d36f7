package io.puerta.runtime.server;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.puerta.spi.metrics.Counter;
import io.puerta.spi.metrics.PluginMetrics;
import java.util.function.LongSupplier;

/** A plugin's metrics in the runtime's Dropwizard registry, under {@code puerta.plugin.<factory>.}. */
final class RegistryPluginMetrics implements PluginMetrics {

    private final MetricRegistry registry;
    private final String prefix;

    RegistryPluginMetrics(MetricRegistry registry, String factoryName) {
        this.registry = registry;
        this.prefix = "puerta.plugin." + factoryName + ".";
    }

    @Override
    public Counter counter(String name) {
        com.codahale.metrics.Counter counter = registry.counter(prefix + name);
        return new Counter() {
            @Override
            public void inc() {
                counter.inc();
            }

            @Override
            public long count() {
                return counter.getCount();
            }
        };
    }

    @Override
    public void gauge(String name, LongSupplier value) {
        // a router rebuilt by a reload registers its gauges again: the new one reads the new router
        registry.remove(prefix + name);
        registry.register(prefix + name, (Gauge<Long>) value::getAsLong);
    }
}
