package io.puerta.runtime.plugin;

import io.puerta.spi.config.ConfigSourceFactory;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.identity.ClientIdentifierFactory;
import io.puerta.spi.routing.RouterFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every loaded plugin and its factories, by kind and name. Immutable. */
public final class LoadedPlugins {

    private final List<PluginDescriptor> plugins;
    private final Map<String, Registered<RouterFactory>> routers;
    private final Map<String, Registered<ClientIdentifierFactory>> identifiers;
    private final Map<String, Registered<HealthCheckerFactory>> healthCheckers;
    private final Map<String, Registered<ConfigSourceFactory>> configSources;

    LoadedPlugins(
            List<PluginDescriptor> plugins,
            Map<String, Registered<RouterFactory>> routers,
            Map<String, Registered<ClientIdentifierFactory>> identifiers,
            Map<String, Registered<HealthCheckerFactory>> healthCheckers,
            Map<String, Registered<ConfigSourceFactory>> configSources) {
        this.plugins = List.copyOf(plugins);
        this.routers = new TreeMap<>(routers);
        this.identifiers = new TreeMap<>(identifiers);
        this.healthCheckers = new TreeMap<>(healthCheckers);
        this.configSources = new TreeMap<>(configSources);
    }

    public List<PluginDescriptor> plugins() {
        return plugins;
    }

    public Optional<Registered<RouterFactory>> router(String name) {
        return Optional.ofNullable(routers.get(name));
    }

    public Optional<Registered<ClientIdentifierFactory>> clientIdentifier(String name) {
        return Optional.ofNullable(identifiers.get(name));
    }

    public Optional<Registered<HealthCheckerFactory>> healthChecker(String name) {
        return Optional.ofNullable(healthCheckers.get(name));
    }

    public Optional<Registered<ConfigSourceFactory>> configSource(String name) {
        return Optional.ofNullable(configSources.get(name));
    }

    public Map<String, Registered<ConfigSourceFactory>> configSources() {
        return configSources;
    }

    public Map<String, Registered<RouterFactory>> routers() {
        return routers;
    }

    public Map<String, Registered<ClientIdentifierFactory>> clientIdentifiers() {
        return identifiers;
    }

    public Map<String, Registered<HealthCheckerFactory>> healthCheckers() {
        return healthCheckers;
    }

    /** Class loaders of the plugins loaded from jars, whose reference.conf files join the configuration. */
    public List<ClassLoader> pluginClassLoaders() {
        return plugins.stream()
                .filter(p -> !p.builtIn())
                .map(PluginDescriptor::classLoader)
                .toList();
    }
}
