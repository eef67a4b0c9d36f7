package io.puerta.runtime.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;

/** The runtime's own metrics, registered in one Dropwizard registry under {@code puerta.*}. */
public final class RuntimeMetrics {

    private final MetricRegistry registry;
    private final Meter requests;
    private final Counter protocolErrors;
    private final Counter routerFailures;
    private final Counter backendErrors;
    private final Counter overflows;
    private final Counter clientConnections;
    private final Counter ringFull;
    private final java.util.concurrent.atomic.AtomicInteger dedicatedConnections =
            new java.util.concurrent.atomic.AtomicInteger();

    private final com.codahale.metrics.Histogram latency;
    private final SlowLog slowLog;

    public RuntimeMetrics(MetricRegistry registry) {
        this(registry, new SlowLog(-1, 0));
    }

    public RuntimeMetrics(MetricRegistry registry, SlowLog slowLog) {
        this.registry = registry;
        this.slowLog = slowLog;
        // lock-free: updated from every client event loop
        this.latency = registry.register(
                "puerta.latency.micros",
                new com.codahale.metrics.Histogram(com.codahale.metrics.LockFreeExponentiallyDecayingReservoir.builder()
                        .build()));
        this.requests = registry.meter("puerta.requests");
        this.protocolErrors = registry.counter("puerta.errors.protocol");
        this.routerFailures = registry.counter("puerta.errors.router");
        this.backendErrors = registry.counter("puerta.errors.backend");
        this.overflows = registry.counter("puerta.errors.overflow");
        // counted up and down: exported as a gauge (a Dropwizard Counter would become a Prometheus counter)
        this.clientConnections = new Counter();
        registry.register("puerta.clients.connected", (com.codahale.metrics.Gauge<Long>) clientConnections::getCount);
        this.ringFull = registry.counter("puerta.ring.full");
        registry.register("puerta.backend.dedicated-connections", (com.codahale.metrics.Gauge<Integer>)
                dedicatedConnections::get);
    }

    public MetricRegistry registry() {
        return registry;
    }

    /**
     * End-to-end latency of a sample of requests (read from the client to reply written), in microseconds: the
     * front doors record one request in {@code LATENCY_SAMPLE} per connection.
     */
    public com.codahale.metrics.Histogram latency() {
        return latency;
    }

    /** One in this many requests of a connection is timed into {@link #latency}. */
    public static final int LATENCY_SAMPLE = 8;

    /** Requests slower than the slow log's threshold. */
    public SlowLog slowLog() {
        return slowLog;
    }

    /** Requests accepted from clients. */
    public Meter requests() {
        return requests;
    }

    /** Client input that was not a valid frame. */
    public Counter protocolErrors() {
        return protocolErrors;
    }

    /** Requests failed because plugin code threw. */
    public Counter routerFailures() {
        return routerFailures;
    }

    /** Requests failed because a backend was unreachable, closed, or too slow. */
    public Counter backendErrors() {
        return backendErrors;
    }

    /** Clients disconnected for exceeding a per-client limit. */
    public Counter overflows() {
        return overflows;
    }

    public Counter clientConnections() {
        return clientConnections;
    }

    /** Times a client's request found the ring full and waited (reading from that client paused meanwhile). */
    public Counter ringFull() {
        return ringFull;
    }

    /** Backend connections single clients hold now (blocking commands, transactions, subscribers). */
    public java.util.concurrent.atomic.AtomicInteger dedicatedConnections() {
        return dedicatedConnections;
    }
}
