package io.puerta.runtime.server;

import io.puerta.runtime.config.ConfigLoader;
import io.puerta.runtime.config.ProblemCollector;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.config.SettingsReader;
import io.puerta.runtime.plugin.LoadedPlugins;
import io.puerta.runtime.plugin.PluginLoader;
import io.puerta.runtime.plugin.Registered;
import io.puerta.spi.routing.RouterFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A validated configuration and the plugins it was validated against. Built eagerly: every problem in the file,
 * in the plugin selection and in the plugins directory is reported at once.
 */
public record Configuration(
        Settings settings, LoadedPlugins plugins, String origin, Optional<Path> source, Optional<Path> home) {

    /**
     * Loads plugins from the directory the configuration names, then reads and checks the settings against the
     * runtime's and the plugins' reference configurations.
     *
     * @throws io.puerta.runtime.config.ConfigProblems for configuration problems
     * @throws io.puerta.runtime.plugin.PluginLoadException for plugins that cannot be loaded
     */
    public static Configuration load(ConfigLoader loader, Optional<Path> home) {
        ProblemCollector early = new ProblemCollector();
        Settings preliminary = new SettingsReader(loader.withoutPlugins(), early).read(home);
        LoadedPlugins plugins = new PluginLoader().load(preliminary.pluginsDir());
        return validate(loader, home, plugins);
    }

    /**
     * Reads the file again and validates it against the plugins already loaded (plugins are not reloaded: their
     * classes are in use).
     */
    public Configuration reload() {
        return validate(ConfigLoader.forFile(source), home, plugins);
    }

    private static Configuration validate(ConfigLoader loader, Optional<Path> home, LoadedPlugins plugins) {
        ProblemCollector problems = new ProblemCollector();
        var effective = loader.effective(plugins.pluginClassLoaders(), problems);
        Settings settings = new SettingsReader(effective, problems).read(home);
        checkSelections(settings, plugins, problems);
        problems.throwIfAny(loader.origin());
        return new Configuration(settings, plugins, loader.origin(), loader.userFile(), home);
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
