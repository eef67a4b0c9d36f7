package io.puerta.runtime.server;

import io.puerta.runtime.config.ConfigProblems;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RouterGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
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
            outcome.accept(false);
            return;
        } catch (RuntimeException e) {
            log.error("{} changed but could not be read; keeping the running configuration", file, e);
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
            outcome.accept(false);
            return;
        }
        current.set(next);
        ring.control(() -> {
            boolean applied = this.router.reconfigure(next.settings().config());
            if (applied) {
                log.info("{} reloaded: router '{}' applied the new configuration", file, router);
            } else {
                log.warn("{} changed: router '{}' does not reload its settings; restart to apply them", file, router);
            }
            outcome.accept(applied);
        });
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
