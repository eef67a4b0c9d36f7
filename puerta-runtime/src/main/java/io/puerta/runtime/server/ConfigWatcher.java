package io.puerta.runtime.server;

import io.puerta.runtime.audit.Audit;
import io.puerta.runtime.config.ConfigProblems;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RouterGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file. A changed file is validated like at startup; if it passes, the router gets the
 * new configuration on the routing stage (through the ring, so it swaps its tables without locks); if not, every
 * problem is logged and the running configuration stays.
 */
final class ConfigWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final RequestSink ring;
    private final RouterGuard router;
    private final Consumer<Boolean> outcome;
    private final AtomicReference<Configuration> current;
    private final ScheduledExecutorService executor;
    private FileTime lastSeen;

    ConfigWatcher(
            Configuration configuration,
            RequestSink ring,
            RouterGuard router,
            Duration interval,
            Consumer<Boolean> outcome) {
        this.file = configuration.source().orElseThrow();
        this.ring = ring;
        this.router = router;
        this.outcome = outcome;
        this.current = new AtomicReference<>(configuration);
        this.lastSeen = modified();
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "puerta-config-watcher");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        FileTime modified = modified();
        if (modified == null || modified.equals(lastSeen)) {
            return;
        }
        lastSeen = modified;
        Configuration next;
        try {
            next = current.get().reload();
        } catch (ConfigProblems e) {
            log.error("{} changed but is not valid; keeping the running configuration. {}", file, e.getMessage());
            Audit.configRejected(file.toString(), e.getMessage());
            outcome.accept(false);
            return;
        } catch (RuntimeException e) {
            // not logged with its stack trace: a parse error may quote the file, secrets and all
            log.error(
                    "{} changed but could not be read ({}); keeping the running configuration",
                    file,
                    e.getClass().getSimpleName());
            Audit.configRejected(file.toString(), "unreadable: " + e.getClass().getSimpleName());
            outcome.accept(false);
            return;
        }
        String router = current.get().settings().router();
        if (!next.settings().router().equals(router)) {
            log.warn(
                    "{} selects router '{}' instead of '{}': changing the router needs a restart",
                    file,
                    next.settings().router(),
                    router);
            Audit.configChanged(
                    file.toString(),
                    changedKeys(
                            current.get().settings().config(), next.settings().config()),
                    false,
                    "the router changed; that needs a restart");
            outcome.accept(false);
            return;
        }
        List<String> changed =
                changedKeys(current.get().settings().config(), next.settings().config());
        current.set(next);
        ring.control(() -> {
            boolean applied = this.router.reconfigure(next.settings().config());
            if (applied) {
                log.info("{} reloaded: router '{}' applied the new configuration", file, router);
                Audit.configChanged(file.toString(), changed, true, null);
            } else {
                Audit.configChanged(
                        file.toString(), changed, false, "router '" + router + "' does not reload its settings");
                log.warn("{} changed: router '{}' does not reload its settings; restart to apply them", file, router);
            }
            outcome.accept(applied);
        });
    }

    /** The settings under puerta whose values differ, were added or were removed: their paths, never values. */
    static List<String> changedKeys(com.typesafe.config.Config before, com.typesafe.config.Config after) {
        java.util.Map<String, Object> old = flatten(before);
        java.util.Map<String, Object> now = flatten(after);
        java.util.TreeSet<String> keys = new java.util.TreeSet<>();
        for (String key : old.keySet()) {
            if (!java.util.Objects.equals(old.get(key), now.get(key))) {
                keys.add(key);
            }
        }
        for (String key : now.keySet()) {
            if (!old.containsKey(key)) {
                keys.add(key);
            }
        }
        return List.copyOf(keys);
    }

    private static java.util.Map<String, Object> flatten(com.typesafe.config.Config config) {
        java.util.Map<String, Object> values = new java.util.HashMap<>();
        if (config.hasPath("puerta")) {
            for (var entry : config.getConfig("puerta").entrySet()) {
                values.put("puerta." + entry.getKey(), entry.getValue().unwrapped());
            }
        }
        return values;
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
