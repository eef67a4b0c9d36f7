package io.puerta.runtime.health;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.plugin.PluginCalls;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthResult;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every backend on its own threads (never an event loop), in parallel, and marks a backend down after
 * {@code fall} consecutive failures and up again after {@code rise} consecutive passes. Backends that routers
 * discover later (a cluster's nodes) are picked up within one interval.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    private final HealthChecker checker;
    private final ClassLoader pluginLoader;
    private final Settings.HealthCheck settings;
    private final ScheduledExecutorService executor;
    private final MetricRegistry metrics;
    private final Set<BackendNode> probed = ConcurrentHashMap.newKeySet();

    public HealthMonitor(
            HealthChecker checker,
            ClassLoader pluginLoader,
            Supplier<Collection<BackendNode>> backends,
            Settings.HealthCheck settings,
            MetricRegistry metrics) {
        this.checker = checker;
        this.pluginLoader = pluginLoader;
        this.settings = settings;
        this.executor = Executors.newScheduledThreadPool(settings.threads(), runnable -> {
            Thread thread = new Thread(runnable, "puerta-health");
            thread.setDaemon(true);
            return thread;
        });
        this.metrics = metrics;
        watch(backends.get());
        long interval = settings.interval().toMillis();
        executor.scheduleWithFixedDelay(() -> watch(backends.get()), interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Starts probing the backends not probed yet. */
    private void watch(Collection<BackendNode> backends) {
        for (BackendNode backend : backends) {
            if (!probed.add(backend)) {
                continue;
            }
            String name = MetricRegistry.name("puerta.backend", backend.address(), "up");
            metrics.remove(name);
            metrics.register(name, (Gauge<Integer>) () -> backend.health() == BackendHealth.DOWN ? 0 : 1);
            executor.scheduleWithFixedDelay(
                    new Probe(backend), 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        PluginCalls.withContext(pluginLoader, () -> {
            checker.close();
            return null;
        });
    }

    /** One backend's probe; runs are serialized by the fixed-delay schedule, so its counters need no lock. */
    private final class Probe implements Runnable {
        private final BackendNode backend;
        private int passes;
        private int failures;

        Probe(BackendNode backend) {
            this.backend = backend;
        }

        @Override
        public void run() {
            HealthResult result;
            long start = System.nanoTime();
            try {
                result = PluginCalls.withContext(pluginLoader, () -> {
                    try {
                        return checker.check(backend, settings.timeout());
                    } catch (Exception e) {
                        return HealthResult.down(e.toString());
                    }
                });
            } catch (Throwable t) {
                result = HealthResult.down("health checker failed: " + t);
            }
            backend.checked(new BackendNode.LastCheck(
                    result.healthy(), result.detail(), (System.nanoTime() - start) / 1000, System.currentTimeMillis()));
            if (result.healthy()) {
                failures = 0;
                passes++;
                BackendHealth now = backend.health();
                if (now == BackendHealth.UNKNOWN || (now == BackendHealth.DOWN && passes >= settings.rise())) {
                    backend.health(BackendHealth.UP);
                    log.info("backend {} is up: {}", backend, result.detail());
                }
            } else {
                passes = 0;
                failures++;
                if (backend.health() != BackendHealth.DOWN && failures >= settings.fall()) {
                    backend.health(BackendHealth.DOWN);
                    log.warn("backend {} is down after {} failed checks: {}", backend, failures, result.detail());
                } else {
                    log.debug("backend {} failed a check: {}", backend, result.detail());
                }
            }
        }
    }
}
