package io.puerta.runtime.server;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import io.puerta.runtime.admin.AdminView;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.frontdoor.Listener;
import io.puerta.runtime.metrics.RuntimeMetrics;
import io.puerta.runtime.pipeline.RequestSink;
import io.puerta.runtime.pipeline.RouterGuard;
import io.puerta.spi.backend.BackendHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The running proxy as the admin listener shows it. The router's state is read on the routing stage (a control task
 * through the ring, so it needs no locks), everything else from thread-safe counters and snapshots.
 */
final class AdminModel implements AdminView {

    private static final String REDACTED = "<redacted>";
    private static final int MAX_SOURCES_SHOWN = 50;

    private final Settings settings;
    private final Supplier<Listener> listener;
    private final BackendRegistry backends;
    private final RouterGuard router;
    private final RequestSink ring;
    private final RuntimeMetrics metrics;
    private final ConfigWatcher watcher;
    private final long startedMillis = System.currentTimeMillis();

    /** @param watcher the configuration file's reloader; null when the configuration came from no file */
    AdminModel(
            Settings settings,
            Supplier<Listener> listener,
            BackendRegistry backends,
            RouterGuard router,
            RequestSink ring,
            RuntimeMetrics metrics,
            ConfigWatcher watcher) {
        this.settings = settings;
        this.listener = listener;
        this.backends = backends;
        this.router = router;
        this.ring = ring;
        this.metrics = metrics;
        this.watcher = watcher;
    }

    @Override
    public List<BackendSample> backendSamples() {
        List<BackendSample> samples = new ArrayList<>();
        for (BackendNode node : backends.all()) {
            samples.add(new BackendSample(
                    node.address(), node.health() != BackendHealth.DOWN, node.inFlight(), node.requestsSent()));
        }
        return samples;
    }

    @Override
    public Map<String, com.codahale.metrics.Histogram> backendLatencies() {
        return metrics.backendLatencies();
    }

    @Override
    public Map<String, com.codahale.metrics.Histogram> commandLatencies() {
        return metrics.commandLatencies();
    }

    @Override
    public boolean live() {
        return listener.get() != null;
    }

    /** The router's view, taken on the routing stage. */
    private record RouterView(Map<String, Object> status, String unroutable) {}

    private CompletableFuture<RouterView> routerView() {
        CompletableFuture<RouterView> view = new CompletableFuture<>();
        boolean queued = ring.tryControl(() -> {
            try {
                view.complete(new RouterView(router.status(), router.unroutable()));
            } catch (RuntimeException e) {
                view.completeExceptionally(e);
            }
        });
        if (!queued) {
            view.completeExceptionally(new IllegalStateException("the routing stage is full; try again"));
        }
        return view;
    }

    @Override
    public CompletableFuture<List<String>> notReady() {
        return routerView().handle(this::notReady);
    }

    /** Why this instance is not ready, from the router's view (or the routing stage's failure to give one). */
    private List<String> notReady(RouterView view, Throwable error) {
        List<String> reasons = new ArrayList<>();
        if (listener.get() == null) {
            reasons.add("the client listener is not open");
        }
        if (error != null) {
            reasons.add("the routing stage did not answer: " + error.getMessage());
        } else if (view.unroutable() != null) {
            reasons.add(view.unroutable());
        } else if (view.status().isEmpty() && noBackendServes()) {
            // a router that cannot say (not StatusAware): at least one backend must not be down
            reasons.add("no backend is healthy");
        }
        return reasons;
    }

    /**
     * What this instance tells its fleet about itself: whether it is ready, and its router's status entry
     * {@code fleet} (e.g. a slot move's progress), or an empty map.
     */
    CompletableFuture<ConfigWatcher.Facts> fleetFacts() {
        // one view of the router serves both: readiness and its fleet entry
        return routerView().handle((view, error) -> {
            Map<String, Object> routing = new LinkedHashMap<>();
            if (error == null && view.status().get("fleet") instanceof Map<?, ?> entry) {
                entry.forEach((key, value) -> {
                    if (value != null) {
                        routing.put(String.valueOf(key), value);
                    }
                });
            }
            return new ConfigWatcher.Facts(notReady(view, error).isEmpty(), routing);
        });
    }

    private boolean noBackendServes() {
        List<BackendNode> nodes = backends.configuredNodes();
        return !nodes.isEmpty() && nodes.stream().allMatch(n -> n.health() == BackendHealth.DOWN);
    }

    @Override
    public CompletableFuture<Map<String, Object>> status() {
        return routerView().handle((view, error) -> {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("version", version());
            status.put("startedAt", Instant.ofEpochMilli(startedMillis).toString());
            status.put("uptimeSeconds", (System.currentTimeMillis() - startedMillis) / 1000);
            status.put("protocol", settings.protocol().name().toLowerCase(Locale.ROOT));
            status.put("router", settings.router());
            status.put("config", config());
            if (watcher != null && watcher.shared().isPresent()) {
                status.put("fleet", fleet(watcher.shared().get()));
            }
            status.put("listener", listenerStatus());
            status.put("requests", requests());
            status.put("latency", latency());
            status.put("slowlog", slowLog());
            status.put("errors", errors());
            Map<String, Object> ringStatus = new LinkedHashMap<>();
            ringStatus.put("capacity", ring.capacity());
            ringStatus.put("used", ring.capacity() - ring.remainingCapacity());
            status.put("ring", ringStatus);
            status.put("backends", backendsStatus());
            if (error != null) {
                status.put("routing", Map.of("error", "the routing stage did not answer: " + error.getMessage()));
            } else {
                Map<String, Object> routing = new LinkedHashMap<>(view.status());
                routing.put("unroutable", view.unroutable());
                status.put("routing", routing);
            }
            return status;
        });
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(
                "file",
                watcher == null || watcher.file() == null
                        ? null
                        : watcher.file().toString());
        config.put("generation", watcher == null ? 0 : watcher.generation());
        ConfigWatcher.Reload last = watcher == null ? null : watcher.last();
        config.put("lastReload", last == null ? null : last.toMap(watcher.generation()));
        return config;
    }

    /**
     * The fleet this instance shares its configuration with: the source's state, the revision this instance runs
     * with, and every live member, those behind it marked. Members come from what the source watches: no call
     * to the source is made here.
     */
    private Map<String, Object> fleet(SharedSource shared) {
        Map<String, Object> fleet = new LinkedHashMap<>(shared.status());
        long applied = watcher.sharedRevision();
        fleet.put("appliedRevision", applied);
        try {
            List<Map<String, Object>> members = shared.members();
            // behind what was written, or what another member runs with, whichever is newer
            long newest = fleet.get("latestRevision") instanceof Number latest
                    ? Math.max(applied, latest.longValue())
                    : applied;
            for (Map<String, Object> member : members) {
                if (member.get("appliedRevision") instanceof Number revision) {
                    newest = Math.max(newest, revision.longValue());
                }
            }
            List<Map<String, Object>> shown = new ArrayList<>();
            for (Map<String, Object> member : members) {
                Map<String, Object> copy = new LinkedHashMap<>(member);
                copy.put(
                        "behind",
                        !(member.get("appliedRevision") instanceof Number revision) || revision.longValue() < newest);
                shown.add(copy);
            }
            fleet.put("members", shown);
        } catch (RuntimeException e) {
            fleet.put("members", null);
            fleet.put("membersError", e.getMessage());
        }
        return fleet;
    }

    private Map<String, Object> listenerStatus() {
        Map<String, Object> status = new LinkedHashMap<>();
        Listener open = listener.get();
        status.put(
                "address",
                open == null || open.address() == null ? null : open.address().toString());
        status.put(
                "tlsAddress",
                open == null || open.tlsAddress() == null
                        ? null
                        : open.tlsAddress().toString());
        status.put("clients", open == null ? 0 : open.clients());
        Map<String, Integer> bySource = open == null ? Map.of() : open.clientsBySource();
        Map<String, Integer> shown = new LinkedHashMap<>();
        bySource.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(MAX_SOURCES_SHOWN)
                .forEach(e -> shown.put(e.getKey(), e.getValue()));
        status.put("clientsBySource", shown);
        return status;
    }

    private Map<String, Object> requests() {
        Meter requests = metrics.requests();
        Map<String, Object> rates = new LinkedHashMap<>();
        rates.put("total", requests.getCount());
        rates.put("perSecond1m", requests.getOneMinuteRate());
        return rates;
    }

    private Map<String, Object> latency() {
        com.codahale.metrics.Snapshot snapshot = metrics.latency().getSnapshot();
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50Millis", snapshot.getMedian() / 1000.0);
        latency.put("p99Millis", snapshot.get99thPercentile() / 1000.0);
        latency.put("p999Millis", snapshot.get999thPercentile() / 1000.0);
        latency.put("sampled", metrics.latency().getCount());
        return latency;
    }

    private List<Object> slowLog() {
        List<Object> entries = new ArrayList<>();
        for (io.puerta.runtime.metrics.SlowLog.Entry entry : metrics.slowLog().newest(10)) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("at", Instant.ofEpochMilli(entry.atMillis()).toString());
            map.put("micros", entry.micros());
            map.put("command", entry.command());
            map.put("argCount", entry.argCount());
            map.put("client", entry.client());
            entries.add(map);
        }
        return entries;
    }

    private Map<String, Object> errors() {
        Map<String, Object> errors = new LinkedHashMap<>();
        for (Map.Entry<String, Metric> entry : metrics.registry().getMetrics().entrySet()) {
            if (entry.getKey().startsWith("puerta.errors.") && entry.getValue() instanceof Counter counter) {
                errors.put(entry.getKey().substring("puerta.errors.".length()), counter.getCount());
            }
        }
        return errors;
    }

    private List<Object> backendsStatus() {
        List<Object> list = new ArrayList<>();
        for (BackendNode node : backends.all()) {
            Map<String, Object> backend = new LinkedHashMap<>();
            backend.put("address", node.address());
            backend.put("name", node.name());
            backend.put("role", node.role().name().toLowerCase(Locale.ROOT));
            backend.put("health", node.health().name());
            BackendNode.LastCheck check = node.lastCheck();
            if (check != null) {
                Map<String, Object> last = new LinkedHashMap<>();
                last.put("healthy", check.healthy());
                last.put("detail", check.detail());
                last.put("latencyMicros", check.latencyMicros());
                last.put("at", Instant.ofEpochMilli(check.atMillis()).toString());
                backend.put("lastCheck", last);
            }
            backend.put("inFlight", node.inFlight());
            backend.put("requests", node.requestsSent());
            list.add(backend);
        }
        return list;
    }

    @Override
    public Map<String, Object> effectiveConfig() {
        @SuppressWarnings("unchecked")
        Map<String, Object> puerta = (Map<String, Object>)
                redact(settings.config().getConfig("puerta").root().unwrapped(), "");
        return puerta;
    }

    /** Every value under a key that names a secret (password, token, secret, key-file content) is hidden. */
    private static Object redact(Object value, String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        boolean secret = lower.contains("password") || lower.contains("token") || lower.contains("secret");
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new java.util.TreeMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), redact(v, String.valueOf(k))));
            return copy;
        }
        if (value instanceof List<?> items) {
            List<Object> copy = new ArrayList<>();
            for (Object item : items) {
                copy.add(redact(item, key));
            }
            return copy;
        }
        if (secret && value != null && !String.valueOf(value).isEmpty() && !lower.endsWith("-file")) {
            return REDACTED;
        }
        return value;
    }

    @Override
    public CompletableFuture<Map<String, Object>> reload(String trigger) {
        if (watcher == null) {
            return CompletableFuture.completedFuture(
                    Map.of("outcome", "no-file", "problems", List.of("this proxy's configuration came from no file")));
        }
        return watcher.reloadNow(trigger).thenApply(reload -> reload.toMap(watcher.generation()));
    }

    static String version() {
        String version = PuertaServer.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
