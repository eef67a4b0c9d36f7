package io.puerta.runtime.admin;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code /metrics}: the runtime's Dropwizard registry and the JVM (heap, GC, threads, ...), in the Prometheus text
 * format, by the Prometheus client library (names become {@code puerta_requests_total} and the like: dots to
 * underscores, counters with {@code _total}).
 */
final class MetricsExposition {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsExposition(MetricRegistry dropwizard, AdminView view) {
        DropwizardExports.builder()
                .dropwizardRegistry(dropwizard)
                // per-backend gauges are exported below with a backend label, not one name per address
                .metricFilter((name, metric) -> !PER_BACKEND.matcher(name).matches())
                .register(registry);
        JvmMetrics.builder().register(registry);
        GaugeWithCallback.builder()
                .name("puerta_backend_up")
                .help("1 while the health checks find the backend up (or have not checked it), 0 when down")
                .labelNames("backend")
                .callback(callback -> view.backendSamples().forEach(b -> callback.call(b.up() ? 1 : 0, b.address())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("puerta_backend_in_flight")
                .help("requests sent to the backend and not yet answered")
                .labelNames("backend")
                .callback(callback -> view.backendSamples().forEach(b -> callback.call(b.inFlight(), b.address())))
                .register(registry);
        CounterWithCallback.builder()
                .name("puerta_backend_requests")
                .help("requests sent to the backend on its shared connections")
                .labelNames("backend")
                .callback(callback -> view.backendSamples().forEach(b -> callback.call(b.requests(), b.address())))
                .register(registry);
        quantiles(
                "puerta_backend_latency_micros",
                "a sample of each backend's reply latency (request written to reply read), in microseconds",
                "backend",
                view::backendLatencies);
        quantiles(
                "puerta_command_latency_micros",
                "a sample of each command's latency through the proxy (read to reply written), in microseconds",
                "command",
                view::commandLatencies);
    }

    private static final double[] QUANTILES = {0.5, 0.99, 0.999};

    /** Quantiles of labelled histograms, as gauges: {@code name{label="...", quantile="0.99"}}. */
    private void quantiles(
            String name, String help, String label, java.util.function.Supplier<java.util.Map<String, Histogram>> of) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames(label, "quantile")
                .callback(callback -> of.get().forEach((key, histogram) -> {
                    Snapshot snapshot = histogram.getSnapshot();
                    for (double quantile : QUANTILES) {
                        callback.call(snapshot.getValue(quantile), key, Double.toString(quantile));
                    }
                }))
                .register(registry);
    }

    private static final java.util.regex.Pattern PER_BACKEND =
            java.util.regex.Pattern.compile("puerta\\.backend\\..+\\.up");

    String contentType() {
        return writer.getContentType();
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
