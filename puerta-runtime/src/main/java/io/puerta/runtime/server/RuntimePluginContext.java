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

    private final RoutingStageTasks tasks;

    RuntimePluginContext(
            BackendRegistry backends, String factoryName, MetricRegistry registry, RoutingStageTasks tasks) {
        this.backends = backends;
        this.tasks = tasks;
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
    public void greetBackendsWith(List<String> command) {
        backends.greetWith(List.copyOf(command));
    }

    @Override
    public String factoryName() {
        return factoryName;
    }

    @Override
    public void runOnRoutingStage(Runnable task) {
        tasks.submit(java.util.Objects.requireNonNull(task, "task is null"));
    }

    @Override
    public void resetConnections(Backend backend, String reason) {
        backends.resolve(backend).reset(reason);
    }

    @Override
    public PluginMetrics metrics() {
        return metrics;
    }
}
