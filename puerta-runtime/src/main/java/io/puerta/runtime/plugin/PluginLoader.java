package io.puerta.runtime.plugin;

import io.puerta.spi.PuertaPlugin;
import io.puerta.spi.SpiVersion;
import io.puerta.spi.config.ConfigSourceFactory;
import io.puerta.spi.health.HealthCheckerFactory;
import io.puerta.spi.identity.ClientIdentifierFactory;
import io.puerta.spi.routing.RouterFactory;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers plugins: the runtime's built-in ones on its own class path, and one plugin per sub-directory of jars
 * or per lone jar in the plugins directory, each with its own {@link PluginClassLoader}. Every problem is
 * collected, each naming the file it concerns, and reported together.
 */
public final class PluginLoader {

    private static final Logger log = LoggerFactory.getLogger(PluginLoader.class);

    private final ClassLoader runtimeLoader;

    public PluginLoader() {
        this(PluginLoader.class.getClassLoader());
    }

    PluginLoader(ClassLoader runtimeLoader) {
        this.runtimeLoader = runtimeLoader;
    }

    /** Loads everything, or throws {@link PluginLoadException} listing every problem. */
    public LoadedPlugins load(Path pluginsDir) {
        List<String> problems = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        candidates.add(new Candidate(new PluginDescriptor("built-in", List.of(), runtimeLoader), true));
        if (Files.isDirectory(pluginsDir)) {
            for (Path entry : list(pluginsDir, problems)) {
                pluginIn(entry, problems).ifPresent(d -> candidates.add(new Candidate(d, false)));
            }
        } else if (Files.exists(pluginsDir)) {
            problems.add(pluginsDir + ": plugins directory is not a directory");
        } else {
            log.info("plugins directory {} does not exist; only built-in plugins are available", pluginsDir);
        }

        Registry<RouterFactory> routers = new Registry<>("router", RouterFactory::name);
        Registry<ClientIdentifierFactory> identifiers =
                new Registry<>("client identifier", ClientIdentifierFactory::name);
        Registry<HealthCheckerFactory> checkers = new Registry<>("health checker", HealthCheckerFactory::name);
        Registry<ConfigSourceFactory> sources = new Registry<>("config source", ConfigSourceFactory::name);
        List<PluginDescriptor> loaded = new ArrayList<>();
        for (Candidate candidate : candidates) {
            PluginDescriptor plugin = candidate.descriptor();
            int problemsBefore = problems.size();
            List<PuertaPlugin> providers = providers(plugin, candidate.builtIn(), problems);
            for (PuertaPlugin provider : providers) {
                try {
                    PluginCalls.withContext(plugin.classLoader(), () -> {
                        routers.addAll(provider.routerFactories(), plugin, problems);
                        identifiers.addAll(provider.clientIdentifierFactories(), plugin, problems);
                        checkers.addAll(provider.healthCheckerFactories(), plugin, problems);
                        sources.addAll(provider.configSourceFactories(), plugin, problems);
                        return null;
                    });
                } catch (LinkageError e) {
                    problems.add(incompatible(plugin, e));
                } catch (RuntimeException e) {
                    problems.add(plugin.location() + ": plugin "
                            + provider.getClass().getName() + " failed to list its factories: " + e);
                }
            }
            if (problems.size() == problemsBefore && !providers.isEmpty()) {
                loaded.add(plugin);
            }
        }
        if (!problems.isEmpty()) {
            throw new PluginLoadException(problems);
        }
        return new LoadedPlugins(loaded, routers.byName, identifiers.byName, checkers.byName, sources.byName);
    }

    private static List<Path> list(Path dir, List<String> problems) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            problems.add(dir + ": cannot list plugins directory: " + e.getMessage());
            return List.of();
        }
    }

    private java.util.Optional<PluginDescriptor> pluginIn(Path entry, List<String> problems) {
        String fileName = entry.getFileName().toString();
        List<Path> jars;
        String name;
        if (Files.isDirectory(entry)) {
            name = fileName;
            try (Stream<Path> files = Files.list(entry)) {
                jars = files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                problems.add(entry + ": cannot list plugin directory: " + e.getMessage());
                return java.util.Optional.empty();
            }
            if (jars.isEmpty()) {
                problems.add(entry + ": plugin directory holds no .jar file");
                return java.util.Optional.empty();
            }
        } else if (fileName.endsWith(".jar")) {
            name = fileName.substring(0, fileName.length() - ".jar".length());
            jars = List.of(entry);
        } else {
            log.debug("ignoring {} in the plugins directory: neither a directory nor a .jar", entry);
            return java.util.Optional.empty();
        }
        int problemsBefore = problems.size();
        for (Path jar : jars) {
            checkJar(jar, problems);
        }
        if (problems.size() > problemsBefore) {
            return java.util.Optional.empty();
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                problems.add(jars.get(i) + ": " + e.getMessage());
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(
                new PluginDescriptor(name, jars, new PluginClassLoader(name, urls, runtimeLoader)));
    }

    /** A jar must open as a zip, and if it records the SPI major it was built against, that must be ours. */
    private static void checkJar(Path jar, List<String> problems) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return;
            }
            String major = manifest.getMainAttributes().getValue(new Attributes.Name(SpiVersion.MANIFEST_ATTRIBUTE));
            if (major != null && !major.trim().equals(Integer.toString(SpiVersion.major()))) {
                problems.add(jar + ": built against Puerta SPI " + major.trim() + ", but this runtime provides SPI "
                        + SpiVersion.major() + " (rebuild the plugin against puerta-spi " + SpiVersion.major() + ")");
            }
        } catch (IOException e) {
            problems.add(jar + ": not a jar file (" + e.getMessage() + ")");
        }
    }

    private static List<PuertaPlugin> providers(PluginDescriptor plugin, boolean builtIn, List<String> problems) {
        List<PuertaPlugin> providers = new ArrayList<>();
        try {
            PluginCalls.withContext(plugin.classLoader(), () -> {
                Iterator<PuertaPlugin> iterator = ServiceLoader.load(PuertaPlugin.class, plugin.classLoader())
                        .iterator();
                while (iterator.hasNext()) {
                    PuertaPlugin provider = iterator.next();
                    // The built-in loader also sees jars on the runtime's class path (tests); keep only its own.
                    if (!builtIn || provider.getClass().getClassLoader() == plugin.classLoader()) {
                        providers.add(provider);
                    }
                }
                return null;
            });
        } catch (ServiceConfigurationError e) {
            Throwable cause = e.getCause();
            if (cause instanceof LinkageError linkage) {
                problems.add(incompatible(plugin, linkage));
            } else {
                problems.add(plugin.location() + ": cannot instantiate its " + PuertaPlugin.class.getName()
                        + " provider: " + e.getMessage() + (cause == null ? "" : " (" + cause + ")"));
            }
            return List.of();
        } catch (LinkageError e) {
            problems.add(incompatible(plugin, e));
            return List.of();
        }
        if (providers.isEmpty() && !builtIn) {
            problems.add(plugin.location() + ": no provider of " + PuertaPlugin.class.getName()
                    + " found (searched " + plugin.jars() + "; a plugin jar lists its class in META-INF/services/"
                    + PuertaPlugin.class.getName() + ")");
        }
        return providers;
    }

    private static String incompatible(PluginDescriptor plugin, LinkageError e) {
        return plugin.location() + ": built against an incompatible Puerta SPI (this runtime provides SPI "
                + SpiVersion.major() + "): " + e;
    }

    /** Factories of one kind by name; a second factory with a taken name is a problem naming both plugins. */
    private static final class Registry<T> {
        private final String kind;
        private final Function<T, String> nameOf;
        private final Map<String, Registered<T>> byName = new HashMap<>();

        Registry(String kind, Function<T, String> nameOf) {
            this.kind = kind;
            this.nameOf = nameOf;
        }

        void addAll(List<T> factories, PluginDescriptor plugin, List<String> problems) {
            for (T factory : factories) {
                String name = nameOf.apply(factory);
                if (name == null || name.isBlank()) {
                    problems.add(plugin.location() + ": a " + kind + " factory ("
                            + factory.getClass().getName() + ") has no name");
                    continue;
                }
                Registered<T> existing = byName.get(name);
                if (existing != null) {
                    problems.add(kind + " '" + name + "' is provided twice: by "
                            + existing.plugin().location() + " and by " + plugin.location());
                    continue;
                }
                byName.put(name, new Registered<>(name, factory, plugin));
            }
        }
    }

    private record Candidate(PluginDescriptor descriptor, boolean builtIn) {}
}
