package io.puerta.runtime.server;

import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import java.util.List;

/** The {@link PluginContext} handed to one factory. */
final class RuntimePluginContext implements PluginContext {

    private final BackendRegistry backends;
    private final String factoryName;

    RuntimePluginContext(BackendRegistry backends, String factoryName) {
        this.backends = backends;
        this.factoryName = factoryName;
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
}
