package io.puerta.runtime.admin;

import com.codahale.metrics.MetricRegistry;
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

    MetricsExposition(MetricRegistry dropwizard) {
        DropwizardExports.builder().dropwizardRegistry(dropwizard).register(registry);
        JvmMetrics.builder().register(registry);
    }

    String contentType() {
        return writer.getContentType();
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
