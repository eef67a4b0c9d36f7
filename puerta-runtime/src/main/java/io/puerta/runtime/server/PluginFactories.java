package io.puerta.runtime.server;

import com.codahale.metrics.MetricRegistry;
import com.typesafe.config.ConfigException;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.config.ProblemCollector;
import io.puerta.runtime.plugin.PluginCalls;
import io.puerta.runtime.plugin.Registered;
import io.puerta.spi.PluginContext;
import java.util.Optional;

/**
 * Creates the plugin objects a configuration selects (router, client identifier, health checker), one way for
 * every kind: with the plugin's class loader, a {@link PluginContext} of its own, and every configuration error
 * collected with the others rather than thrown.
 */
final class PluginFactories {

    private final BackendRegistry backends;
    private final MetricRegistry registry;
    private final RoutingStageTasks tasks;
    private final ProblemCollector problems;

    PluginFactories(
            BackendRegistry backends, MetricRegistry registry, RoutingStageTasks tasks, ProblemCollector problems) {
        this.backends = backends;
        this.registry = registry;
        this.tasks = tasks;
        this.problems = problems;
    }

    /** These factories, recording problems in {@code other} (a reload's own). */
    PluginFactories reporting(ProblemCollector other) {
        return new PluginFactories(backends, registry, tasks, other);
    }

    /**
     * Creates what {@code factory} makes from {@code config}; null (with the problem recorded) when it fails, and
     * null without a problem when nothing is selected.
     *
     * @param path the setting that selected the factory, for messages
     * @param kind what the factory makes ("router"), for messages
     */
    <F, T> T create(
            String path,
            String kind,
            Optional<Registered<F>> factory,
            com.typesafe.config.Config config,
            Creator<F, T> create) {
        if (factory.isEmpty()) {
            return null;
        }
        Registered<F> chosen = factory.get();
        String what = kind + " '" + chosen.name() + "' (" + chosen.plugin().location() + ")";
        PluginContext context = new RuntimePluginContext(backends, chosen.name(), registry, tasks);
        try {
            T created = PluginCalls.withContext(
                    chosen.plugin().classLoader(), () -> create.create(chosen.factory(), config, context));
            if (created == null) {
                problems.add(path + ": " + what + " returned nothing");
            }
            return created;
        } catch (ConfigException e) {
            problems.add(ProblemCollector.describe(e) + " (read by " + what + ")");
        } catch (RuntimeException | LinkageError e) {
            problems.add(path + ": " + what + " failed to start: " + e);
        }
        return null;
    }

    /** A factory kind's create method. */
    @FunctionalInterface
    interface Creator<F, T> {
        T create(F factory, com.typesafe.config.Config config, PluginContext context);
    }
}
