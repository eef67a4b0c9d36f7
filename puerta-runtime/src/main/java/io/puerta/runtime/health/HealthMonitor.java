package io.puerta.runtime.health;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.plugin.PluginCalls;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.health.HealthChecker;
import io.puerta.spi.health.HealthResult;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every configured backend on its own threads (never an event loop), in parallel, and marks a backend down
 * after {@code fall} consecutive failures and up again after {@code rise} consecutive passes.
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    private final HealthChecker checker;
    private final ClassLoader pluginLoader;
    private final Settings.HealthCheck settings;
    private final ScheduledExecutorService executor;

    public HealthMonitor(
            HealthChecker checker,
            ClassLoader pluginLoader,
            List<BackendNode> backends,
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
        for (BackendNode backend : backends) {
            Probe probe = new Probe(backend);
            metrics.register(MetricRegistry.name("puerta.backend", backend.address(), "up"), (Gauge<Integer>)
                    () -> backend.health() == BackendHealth.DOWN ? 0 : 1);
            executor.scheduleWithFixedDelay(probe, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
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
