package io.puerta.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the effective configuration: system properties over the user's file over every {@code reference.conf}
 * (the runtime's and each plugin's, read through the plugin's own class loader). Substitutions such as
 * {@code ${?PUERTA_LISTEN_PORT}} are resolved against the environment.
 */
public final class ConfigLoader {

    /**
     * Settings that belong to one instance and never to the configuration a fleet shares: where it listens, its
     * admin listener, its plugins, and where its configuration comes from (with the source's own settings, under
     * {@code puerta.<kind>}).
     */
    static final List<String> INSTANCE_ONLY =
            List.of("puerta.listen", "puerta.admin", "puerta.plugins", "puerta.config-source");

    private final Optional<Path> userFile;
    private final Config userConfig;
    private final Config runtimeReference;
    private final String sharedOrigin; // null without a shared layer
    private final List<String> sharedProblems;

    private ConfigLoader(Optional<Path> userFile, Config userConfig, Config runtimeReference) {
        this(userFile, userConfig, runtimeReference, null, List.of());
    }

    private ConfigLoader(
            Optional<Path> userFile,
            Config userConfig,
            Config runtimeReference,
            String sharedOrigin,
            List<String> sharedProblems) {
        this.userFile = userFile;
        this.userConfig = userConfig;
        this.runtimeReference = runtimeReference;
        this.sharedOrigin = sharedOrigin;
        this.sharedProblems = sharedProblems;
    }

    /**
     * This loader with the configuration a fleet shares laid over the user's file: the shared text wins, except
     * for the settings that belong to the instance ({@link #INSTANCE_ONLY}, and {@code puerta.<sourceKind>}),
     * which the shared text may not set.
     *
     * @param origin the shared version, for messages (e.g. "etcd revision 42")
     * @throws ConfigProblems when the shared text does not parse
     */
    public ConfigLoader withShared(String text, String origin, String sourceKind) {
        Config shared;
        try {
            shared = ConfigFactory.parseString(
                    text, ConfigParseOptions.defaults().setOriginDescription(origin));
        } catch (ConfigException e) {
            // the message names the line, never quotes the text (which may hold a password)
            throw new ConfigProblems(origin, List.of("the shared configuration does not parse: " + e.getMessage()));
        }
        List<String> problems = new ArrayList<>();
        List<String> local = new ArrayList<>(INSTANCE_ONLY);
        local.add("puerta." + sourceKind);
        for (String path : local) {
            if (shared.hasPathOrNull(path)) {
                problems.add(origin + ": " + path + " belongs to each instance's own file, not to the shared"
                        + " configuration");
            }
        }
        return new ConfigLoader(userFile, shared.withFallback(userConfig), runtimeReference, origin, problems);
    }

    /** Parses the user's file (if any). A missing or unparsable file is a {@link ConfigProblems}. */
    public static ConfigLoader forFile(Optional<Path> userFile) {
        Config user = ConfigFactory.empty();
        if (userFile.isPresent()) {
            Path path = userFile.get();
            if (!Files.isRegularFile(path)) {
                throw new ConfigProblems(path.toString(), List.of("config file not found: " + path.toAbsolutePath()));
            }
            try {
                user = ConfigFactory.parseFile(
                        path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new ConfigProblems(path.toString(), List.of(e.getMessage()));
            }
        }
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
        return new ConfigLoader(userFile, user, reference);
    }

    /** Parses configuration text, for tests and embedding. */
    public static ConfigLoader forText(String hocon) {
        Config user;
        try {
            user = ConfigFactory.parseString(hocon);
        } catch (ConfigException e) {
            throw new ConfigProblems("text", List.of(e.getMessage()));
        }
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
        return new ConfigLoader(Optional.empty(), user, reference);
    }

    /** The user's file, when there is one. */
    public Optional<Path> userFile() {
        return userFile;
    }

    public String origin() {
        String file = userFile.map(Path::toString).orElse("defaults");
        return sharedOrigin == null ? file : file + " + " + sharedOrigin;
    }

    /** The configuration before plugins are known: enough to find the plugins directory. */
    public Config withoutPlugins() {
        return resolve(List.of());
    }

    /**
     * The effective configuration with the reference configurations of the given plugin class loaders. Settings
     * under {@code puerta} that no reference configuration knows are reported as problems (a typo must not be
     * silently ignored).
     */
    public Config effective(List<ClassLoader> pluginLoaders, ProblemCollector problems) {
        List<Config> pluginReferences = new ArrayList<>();
        for (ClassLoader loader : pluginLoaders) {
            pluginReferences.add(ConfigFactory.parseResources(loader, "reference.conf"));
        }
        Config effective = resolve(pluginReferences);
        sharedProblems.forEach(problems::add);
        Config allReferences = runtimeReference;
        for (Config pluginReference : pluginReferences) {
            allReferences = allReferences.withFallback(pluginReference);
        }
        reportUnknownSettings(allReferences, problems);
        try {
            effective.checkValid(allReferences.resolve(ConfigResolveOptions.defaults()), "puerta");
        } catch (ConfigException e) {
            problems.add(ProblemCollector.describe(e));
        }
        return effective;
    }

    private Config resolve(List<Config> pluginReferences) {
        Config merged = ConfigFactory.systemProperties().withFallback(userConfig);
        for (Config pluginReference : pluginReferences) {
            merged = merged.withFallback(pluginReference);
        }
        merged = merged.withFallback(runtimeReference);
        try {
            return merged.resolve();
        } catch (ConfigException e) {
            throw new ConfigProblems(origin(), List.of(e.getMessage()));
        }
    }

    private void reportUnknownSettings(Config references, ProblemCollector problems) {
        if (!userConfig.hasPath("puerta")) {
            return;
        }
        for (Map.Entry<String, ConfigValue> entry :
                userConfig.getConfig("puerta").entrySet()) {
            String path = "puerta." + entry.getKey();
            if (!references.hasPathOrNull(path) && !underOpenObject(references, path)) {
                problems.add(path + ": unknown setting (no reference.conf defines it; is it misspelt, or is the"
                        + " plugin that reads it missing?)");
            }
        }
    }

    // A reference may declare an empty object ("extra = {}") meaning any key below it is allowed.
    private static boolean underOpenObject(Config references, String path) {
        String parent = path;
        int dot;
        while ((dot = parent.lastIndexOf('.')) > 0) {
            parent = parent.substring(0, dot);
            if (references.hasPath(parent)
                    && references.getValue(parent) instanceof com.typesafe.config.ConfigObject object
                    && object.isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
