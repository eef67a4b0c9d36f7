package io.puerta.runtime.server;

import com.typesafe.config.Config;
import io.puerta.runtime.config.ConfigLoader;
import io.puerta.runtime.config.ConfigSourceSettings;
import io.puerta.runtime.config.ProblemCollector;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.config.SettingsReader;
import io.puerta.runtime.plugin.LoadedPlugins;
import io.puerta.runtime.plugin.PluginLoader;
import io.puerta.runtime.plugin.Registered;
import io.puerta.spi.config.ConfigSourceFactory;
import io.puerta.spi.config.SharedConfig;
import io.puerta.spi.routing.RouterFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated configuration and the plugins it was validated against. Built eagerly: every problem in the file,
 * in the plugin selection and in the plugins directory is reported at once.
 */
public record Configuration(
        Settings settings,
        LoadedPlugins plugins,
        String origin,
        Optional<Path> source,
        Optional<Path> home,
        Optional<SharedSource> shared,
        long sharedRevision)
        implements AutoCloseable {

    /**
     * Loads plugins from the directory the configuration names, then reads and checks the settings against the
     * runtime's and the plugins' reference configurations. With a shared source ({@code puerta.config-source}),
     * opens it and lays the configuration the fleet shares over the file; the source stays open in the result
     * (closed by {@link #close()}, or by the server that runs it).
     *
     * @throws io.puerta.runtime.config.ConfigProblems for configuration problems, or a source that cannot be read
     * @throws io.puerta.runtime.plugin.PluginLoadException for plugins that cannot be loaded
     */
    public static Configuration load(ConfigLoader loader, Optional<Path> home) {
        LoadedPlugins plugins = loadPlugins(loader, home);
        ConfigSourceSettings sourceSettings = ConfigSourceSettings.read(loader.withoutPlugins());
        if (!sourceSettings.shared()) {
            return validate(loader, home, plugins, null, null);
        }
        SharedSource shared = openShared(loader, sourceSettings, plugins);
        try {
            SharedConfig first = shared.read(loader.origin());
            return validate(sharedLoader(loader, shared, first), home, plugins, shared, first);
        } catch (RuntimeException e) {
            shared.close();
            throw e;
        }
    }

    /**
     * Opens the shared source the file selects, reading nothing and joining nothing: for operators' commands
     * ({@code puerta config push}, {@code puerta fleet status}). The caller closes it.
     *
     * @throws io.puerta.runtime.config.ConfigProblems when the file selects no shared source, or an unknown one
     */
    public static SharedSource openSource(ConfigLoader loader, Optional<Path> home) {
        LoadedPlugins plugins = loadPlugins(loader, home);
        ConfigSourceSettings sourceSettings = ConfigSourceSettings.read(loader.withoutPlugins());
        if (!sourceSettings.shared()) {
            throw new io.puerta.runtime.config.ConfigProblems(
                    loader.origin(),
                    List.of("puerta.config-source.kind is \"file\": this configuration is not shared with a fleet"
                            + " (set it to the source's name, e.g. \"etcd\", with the source's settings)"));
        }
        return openShared(loader, sourceSettings, plugins);
    }

    /**
     * Validates {@code text} as the configuration a fleet would share, laid over the file, without a source:
     * what {@code puerta config push} checks before it writes.
     *
     * @throws io.puerta.runtime.config.ConfigProblems naming every problem
     */
    public static Configuration validateShared(ConfigLoader loader, Optional<Path> home, String text, String kind) {
        LoadedPlugins plugins = loadPlugins(loader, home);
        return validate(loader.withShared(text, "the pushed configuration", kind), home, plugins, null, null);
    }

    private static LoadedPlugins loadPlugins(ConfigLoader loader, Optional<Path> home) {
        ProblemCollector early = new ProblemCollector();
        Settings preliminary = new SettingsReader(loader.withoutPlugins(), early).read(home);
        return new PluginLoader().load(preliminary.pluginsDir());
    }

    /**
     * Reads the file again, with the newest shared version heard of, and validates it against the plugins already
     * loaded (plugins are not reloaded: their classes are in use). The shared source is the same.
     */
    public Configuration reload() {
        ConfigLoader loader = ConfigLoader.forFile(source);
        if (shared.isEmpty()) {
            return validate(loader, home, plugins, null, null);
        }
        SharedConfig newest = shared.get().latest();
        return validate(sharedLoader(loader, shared.get(), newest), home, plugins, shared.get(), newest);
    }

    /** Closes the shared source, if any (a server that ran this configuration has closed it already). */
    @Override
    public void close() {
        shared.ifPresent(SharedSource::close);
    }

    private static SharedSource openShared(
            ConfigLoader loader, ConfigSourceSettings sourceSettings, LoadedPlugins plugins) {
        Optional<Registered<ConfigSourceFactory>> factory = plugins.configSource(sourceSettings.kind());
        if (factory.isEmpty()) {
            throw new io.puerta.runtime.config.ConfigProblems(
                    loader.origin(),
                    List.of("puerta.config-source.kind: no config source named '" + sourceSettings.kind()
                            + "'; available: file"
                            + (plugins.configSources().isEmpty()
                                    ? " (is the plugin installed?)"
                                    : ", "
                                            + String.join(
                                                    ", ",
                                                    plugins.configSources().keySet()))));
        }
        // the file's own settings, checked, before the source they name is opened
        ProblemCollector problems = new ProblemCollector();
        Config local = loader.effective(plugins.pluginClassLoaders(), problems);
        problems.throwIfAny(loader.origin());
        return SharedSource.open(factory.get(), local, loader.origin());
    }

    private static ConfigLoader sharedLoader(ConfigLoader loader, SharedSource shared, SharedConfig version) {
        return loader.withShared(version.text(), shared.kind() + " revision " + version.revision(), shared.kind());
    }

    private static Configuration validate(
            ConfigLoader loader,
            Optional<Path> home,
            LoadedPlugins plugins,
            SharedSource shared,
            SharedConfig version) {
        ProblemCollector problems = new ProblemCollector();
        var effective = loader.effective(plugins.pluginClassLoaders(), problems);
        Settings settings = new SettingsReader(effective, problems).read(home);
        checkSelections(settings, plugins, problems);
        problems.throwIfAny(loader.origin());
        return new Configuration(
                settings,
                plugins,
                loader.origin(),
                loader.userFile(),
                home,
                Optional.ofNullable(shared),
                version == null ? -1 : version.revision());
    }

    private static void checkSelections(Settings settings, LoadedPlugins plugins, ProblemCollector problems) {
        if (settings.protocol() == io.puerta.spi.request.Protocol.MONGO
                && settings.clientIdentifier().isEmpty()) {
            problems.add("puerta.client-identifier: required with puerta.protocol = mongo (the mongo-affinity plugin"
                    + " offers socket-addr, fingerprint, session-id and hybrid)");
        }
        Optional<Registered<RouterFactory>> router = plugins.router(settings.router());
        if (router.isEmpty()) {
            problems.add("puerta.router: no router named '" + settings.router() + "'; available: "
                    + available(plugins.routers()));
        } else if (router.get().factory().protocol() != settings.protocol()) {
            problems.add("puerta.router: router '" + settings.router() + "' speaks "
                    + router.get().factory().protocol().name().toLowerCase(java.util.Locale.ROOT)
                    + " but puerta.protocol is "
                    + settings.protocol().name().toLowerCase(java.util.Locale.ROOT));
        }
        String identifier = settings.clientIdentifier();
        if (!identifier.isEmpty() && plugins.clientIdentifier(identifier).isEmpty()) {
            problems.add("puerta.client-identifier: no client identifier named '" + identifier + "'; available: "
                    + available(plugins.clientIdentifiers()));
        }
        String checker = settings.healthCheck().checker();
        if (!checker.isEmpty() && plugins.healthChecker(checker).isEmpty()) {
            problems.add("puerta.health-check.checker: no health checker named '" + checker + "'; available: "
                    + available(plugins.healthCheckers()));
        }
    }

    private static String available(Map<String, ?> byName) {
        return byName.isEmpty() ? "(none; is the plugin installed?)" : String.join(", ", byName.keySet());
    }
}
