package io.puerta.runtime.admin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The running proxy as the admin listener sees it. Futures complete on whatever thread has the answer (the
 * routing stage for the router's state, the config watcher for a reload); the listener never waits for one on its
 * event loop.
 */
public interface AdminView {

    /** One backend, for the labelled per-backend metrics. */
    record BackendSample(String address, boolean up, int inFlight, long requests) {}

    /** Every backend now (any thread: health, in-flight and sent counts are read racily, for metrics). */
    List<BackendSample> backendSamples();

    /** Sampled reply latency per backend address, in microseconds. */
    Map<String, com.codahale.metrics.Histogram> backendLatencies();

    /** Sampled end-to-end latency per command name (a bounded number of names, then "other"), in microseconds. */
    Map<String, com.codahale.metrics.Histogram> commandLatencies();

    /** Liveness: the process serves (its client listener is open). */
    boolean live();

    /** Readiness: the reasons the proxy is not ready, none when it is. */
    CompletableFuture<List<String>> notReady();

    /** The status document ({@code /status}): JSON values only. */
    CompletableFuture<Map<String, Object>> status();

    /** The effective configuration under {@code puerta}, secrets redacted. */
    Map<String, Object> effectiveConfig();

    /**
     * Reloads the configuration file now.
     *
     * @param trigger who asked ("admin POST /reload from 127.0.0.1", "SIGHUP"), for the log and the audit trail
     * @return what happened: {@code {applied, generation, changed, problems}}
     */
    CompletableFuture<Map<String, Object>> reload(String trigger);
}
