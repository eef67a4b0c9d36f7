package io.puerta.runtime.server;

import com.codahale.metrics.MetricRegistry;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.metrics.PluginMetrics;
import java.util.List;

/** The {@link PluginContext} handed to one factory. */
final class RuntimePluginContext implements PluginContext {

    private final BackendRegistry backends;
    private final String factoryName;
    private final PluginMetrics metrics;

    RuntimePluginContext(BackendRegistry backends, String factoryName, MetricRegistry registry) {
        this.backends = backends;
        this.factoryName = factoryName;
        this.metrics = new RegistryPluginMetrics(registry, factoryName);
    }

    @Override
    public List<Backend> configuredBackends() {
        return backends.configured();
    }

    @Override
    public Backend backend(String host, int port) {
        return backends.backend(host, port);
    }

    @Override
    public String factoryName() {
        return factoryName;
    }

    @Override
    public PluginMetrics metrics() {
        return metrics;
    }
}
