package io.puerta.runtime.server;

import io.puerta.runtime.audit.Audit;
import io.puerta.runtime.config.ConfigProblems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the configuration: when the file changes (checked on an interval), when the source a fleet shares
 * announces a new version ({@code puerta.config-source}), on {@code SIGHUP}, and on the admin listener's
 * {@code POST /reload}. A file is validated like at startup; if it passes, the router gets the new
 * configuration on the routing stage (through the ring, so it swaps its tables without locks); if not, every
 * problem is logged, kept for {@code /status}, and the running configuration stays. Reloads run one at a time,
 * on this class's own thread.
 */
final class ConfigWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    /**
     * What an instance tells its fleet about itself, besides the revision it runs with.
     *
     * @param ready whether it serves requests
     * @param routing its router's status entry {@code fleet}, or an empty map
     */
    record Facts(boolean ready, java.util.Map<String, Object> routing) {}

    /**
     * How the last reload went, for operators.
     *
     * @param outcome {@code applied}; {@code partly-applied} (the settings that need a restart are named, the rest
     *     applied); {@code not-applied} (valid, but every change needs a restart); {@code rejected} (the file is not
     *     valid, or the new router could not be built)
     * @param problems what was wrong, naming settings (never their values)
     * @param changed the settings that changed (paths only)
     */
    record Reload(String trigger, String outcome, List<String> problems, List<String> changed, long atMillis) {
        java.util.Map<String, Object> toMap(long generation) {
            java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
            map.put("outcome", outcome);
            map.put("trigger", trigger);
            map.put("generation", generation);
            map.put("changed", changed);
            map.put("problems", problems);
            map.put("at", java.time.Instant.ofEpochMilli(atMillis).toString());
            return map;
        }
    }

    private final Path file; // null when the configuration came from no file (a fleet's source alone)
    private final Optional<SharedSource> shared;
    private final String origin;
    private final java.util.function.Supplier<Facts> facts;
    private final Reconfiguration reconfiguration;
    private final Consumer<Boolean> outcome;
    private final AtomicReference<Configuration> current;
    private final ScheduledExecutorService executor;
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private volatile Reload last;
    private FileTime lastSeen;
    private io.puerta.spi.config.MemberState reported; // watcher thread only
    // a shared revision whose changes all wait for a restart: the running routing is already what it describes
    private long acknowledged = -1; // watcher thread only

    /**
     * @param interval how often the file is checked for changes; zero: only on request
     * @param facts what this instance tells its fleet about itself besides its revision
     */
    ConfigWatcher(
            Configuration configuration,
            Reconfiguration reconfiguration,
            Duration interval,
            Consumer<Boolean> outcome,
            java.util.function.Supplier<Facts> facts) {
        this.file = configuration.source().orElse(null);
        this.shared = configuration.shared();
        // what is reloaded, for logs and audit; each version's own problems name its revision
        String from = file == null ? null : file.toString();
        if (shared.isPresent()) {
            from = from == null
                    ? shared.get().describe()
                    : from + " with " + shared.get().describe();
        }
        this.origin = from == null ? configuration.origin() : from;
        this.facts = facts;
        this.reconfiguration = reconfiguration;
        this.outcome = outcome;
        this.current = new AtomicReference<>(configuration);
        this.lastSeen = modified();
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "puerta-config-watcher");
            thread.setDaemon(true);
            return thread;
        });
        if (!interval.isZero() && file != null) {
            executor.scheduleWithFixedDelay(
                    this::checkForChange, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        shared.ifPresent(source -> source.watch(version -> {
            try {
                executor.execute(() -> reload("shared revision " + version.revision(), new CompletableFuture<>()));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down: the version is not applied, and this instance leaves the fleet
            }
        }));
    }

    /**
     * Announces this instance to its fleet (when the configuration is shared) and keeps its announcement's
     * readiness up to date, checked every {@code every}.
     */
    void join(io.puerta.spi.config.Member self, Duration every) {
        if (shared.isEmpty()) {
            return;
        }
        executor.execute(() -> {
            reported = state();
            shared.get().join(self, reported);
        });
        executor.scheduleWithFixedDelay(
                this::reportIfChanged, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The source a fleet shares, when the configuration comes from one. */
    Optional<SharedSource> shared() {
        return shared;
    }

    /** The file, or null when the configuration came from no file. */
    Path file() {
        return file;
    }

    /** The revision of the shared configuration running now; -1 without one. */
    long sharedRevision() {
        return current.get().sharedRevision();
    }

    /** Reloads applied since the start. */
    long generation() {
        return generation.get();
    }

    /** The last reload tried, or null. */
    Reload last() {
        return last;
    }

    /** Reloads the file now, changed or not (SIGHUP, POST /reload); completes when the outcome is known. */
    CompletableFuture<Reload> reloadNow(String trigger) {
        CompletableFuture<Reload> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                if (file != null) {
                    lastSeen = modified();
                }
                reload(trigger, done);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the proxy is shutting down"));
        }
        return done;
    }

    private void checkForChange() {
        FileTime modified = modified();
        if (modified == null || modified.equals(lastSeen)) {
            return;
        }
        lastSeen = modified;
        reload("file changed", new CompletableFuture<>());
    }

    private void reload(String trigger, CompletableFuture<Reload> done) {
        Configuration next;
        try {
            next = current.get().reload();
        } catch (ConfigProblems e) {
            log.error("{} ({}) is not valid; keeping the running configuration. {}", origin, trigger, e.getMessage());
            Audit.configRejected(origin, e.getMessage());
            finish(done, new Reload(trigger, "rejected", e.problems(), List.of(), System.currentTimeMillis()), false);
            return;
        } catch (RuntimeException e) {
            // not logged with its stack trace: a parse error may quote the file, secrets and all
            log.error(
                    "{} ({}) could not be read ({}); keeping the running configuration",
                    origin,
                    trigger,
                    e.getClass().getSimpleName());
            Audit.configRejected(origin, "unreadable: " + e.getClass().getSimpleName());
            finish(
                    done,
                    new Reload(
                            trigger,
                            "rejected",
                            List.of("unreadable: " + e.getClass().getSimpleName()),
                            List.of(),
                            System.currentTimeMillis()),
                    false);
            return;
        }
        String router = current.get().settings().router();
        List<String> changed =
                changedKeys(current.get().settings().config(), next.settings().config());
        if (!next.settings().router().equals(router)) {
            String why = "the router changed ('" + router + "' to '"
                    + next.settings().router() + "'); that needs a restart";
            log.warn("{} ({}): {}", origin, trigger, why);
            Audit.configChanged(origin, changed, false, why);
            finish(done, new Reload(trigger, "not-applied", List.of(why), changed, System.currentTimeMillis()), false);
            return;
        }
        Reconfiguration.Applied applied;
        try {
            // bounded: a routing stage that does not take the change in time fails the reload, never hangs it
            applied = reconfiguration
                    .apply(current.get(), next, changed)
                    .orTimeout(30, java.util.concurrent.TimeUnit.SECONDS)
                    .join();
        } catch (RuntimeException e) {
            // ConfigProblems from building the new router; anything else (a plugin failing to close, say) is
            // reported the same way, so that a reload always ends with an outcome
            Throwable cause =
                    e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            String problems = cause instanceof ConfigProblems p
                    ? String.join("; ", p.problems())
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            log.error(
                    "{} ({}): the new configuration could not be applied; keeping the running one. {}",
                    origin,
                    trigger,
                    problems);
            Audit.configChanged(origin, changed, false, problems);
            finish(
                    done,
                    new Reload(
                            trigger,
                            "rejected",
                            cause instanceof ConfigProblems p ? p.problems() : List.of(problems),
                            changed,
                            System.currentTimeMillis()),
                    false);
            return;
        }
        if (!changed.isEmpty() && applied.needRestart().size() == changed.size()) {
            // nothing applied: the running configuration stays the one later files are compared with
            String why = "these settings need a restart: " + String.join(", ", applied.needRestart());
            acknowledged = Math.max(acknowledged, next.sharedRevision());
            log.warn("{} changed ({}): {}", origin, trigger, why);
            Audit.configChanged(origin, changed, false, why);
            finish(done, new Reload(trigger, "not-applied", List.of(why), changed, System.currentTimeMillis()), false);
        } else if (applied.needRestart().isEmpty()) {
            current.set(next);
            generation.incrementAndGet();
            log.info(
                    "{} reloaded ({}): {} applied{}",
                    origin,
                    trigger,
                    changed,
                    applied.routerRebuilt() ? ", router '" + router + "' rebuilt" : "");
            Audit.configChanged(origin, changed, true, null);
            finish(done, new Reload(trigger, "applied", List.of(), changed, System.currentTimeMillis()), true);
        } else {
            current.set(next);
            generation.incrementAndGet();
            String why = "these settings need a restart: " + String.join(", ", applied.needRestart());
            log.warn("{} reloaded ({}): everything else applied; {}", origin, trigger, why);
            Audit.configChanged(origin, changed, true, why);
            finish(
                    done,
                    new Reload(trigger, "partly-applied", List.of(why), changed, System.currentTimeMillis()),
                    true);
        }
    }

    private void finish(CompletableFuture<Reload> done, Reload reload, boolean applied) {
        last = reload;
        outcome.accept(applied);
        if (shared.isPresent() && reported != null) {
            reported = state();
            shared.get().report(reported);
        }
        done.complete(reload);
    }

    /** What this instance tells its fleet: the revision it runs with, how the last change went, readiness. */
    private io.puerta.spi.config.MemberState state() {
        Reload reload = last;
        String outcome = reload == null
                ? "applied"
                : reload.problems().isEmpty()
                        ? reload.outcome()
                        : reload.outcome() + ": " + String.join("; ", reload.problems());
        Facts now;
        try {
            now = facts.get();
        } catch (RuntimeException e) {
            now = new Facts(false, java.util.Map.of());
        }
        long revision = Math.max(current.get().sharedRevision(), acknowledged);
        return new io.puerta.spi.config.MemberState(revision, outcome, now.ready(), now.routing());
    }

    private void reportIfChanged() {
        io.puerta.spi.config.MemberState now = state();
        if (!now.equals(reported)) {
            reported = now;
            shared.get().report(now);
        }
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
        if (file == null) {
            return null;
        }
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
