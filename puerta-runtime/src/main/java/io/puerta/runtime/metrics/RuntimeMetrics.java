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
    private final Counter held;
    private final Counter overflows;
    private final Counter clientConnections;
    private final Counter ringFull;
    private final java.util.concurrent.atomic.AtomicInteger dedicatedConnections =
            new java.util.concurrent.atomic.AtomicInteger();

    private final com.codahale.metrics.Histogram latency;
    private final SlowLog slowLog;
    private final Counter redirectsMoved;
    private final Counter redirectsAsk;
    private final Counter backendConnects;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final com.codahale.metrics.Histogram batchSizes;
    private final java.util.concurrent.ConcurrentHashMap<String, com.codahale.metrics.Histogram> backendLatency =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, com.codahale.metrics.Histogram> commandLatency =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Commands timed by name; beyond this many names, the rest are timed together as {@code other}. */
    static final int MAX_COMMANDS_TIMED = 128;

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
        this.redirectsMoved = registry.counter("puerta.redirects.moved");
        this.redirectsAsk = registry.counter("puerta.redirects.ask");
        this.backendConnects = registry.counter("puerta.backend.connects");
        this.bytesIn = registry.counter("puerta.client.bytes-in");
        this.bytesOut = registry.counter("puerta.client.bytes-out");
        this.batchSizes = registry.register("puerta.routing.batch-size", newHistogram());
        this.protocolErrors = registry.counter("puerta.errors.protocol");
        this.routerFailures = registry.counter("puerta.errors.router");
        this.backendErrors = registry.counter("puerta.errors.backend");
        this.held = registry.counter("puerta.requests.held");
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
     * front doors record the requests of a connection that {@link #sampled} picks.
     */
    public com.codahale.metrics.Histogram latency() {
        return latency;
    }

    /**
     * One in this many requests of a connection is timed into {@link #latency} (a power of two). A histogram's update
     * inserts into the reservoir's skip list and touches counters the I/O threads share: at one in 8 the updates took
     * 4.4% of the CPU samples of GET at pipeline 16, at one in 32 still 1.5% at pipeline 1. One in 128 is still
     * hundreds of samples a second at a few tens of thousands of requests a second.
     */
    public static final int LATENCY_SAMPLE = 128;

    /**
     * Whether a connection's {@code n}th request or reply (counted from 0) is timed: the first, then one in
     * {@link #LATENCY_SAMPLE}, so that a connection that sends a few requests is seen too.
     */
    public static boolean sampled(int n) {
        return (n & (LATENCY_SAMPLE - 1)) == 0;
    }

    /** Requests slower than the slow log's threshold. */
    public SlowLog slowLog() {
        return slowLog;
    }

    private static com.codahale.metrics.Histogram newHistogram() {
        return new com.codahale.metrics.Histogram(com.codahale.metrics.LockFreeExponentiallyDecayingReservoir.builder()
                .build());
    }

    /** MOVED redirections the runtime followed for clients. */
    public Counter redirectsMoved() {
        return redirectsMoved;
    }

    /** ASK redirections the runtime followed for clients. */
    public Counter redirectsAsk() {
        return redirectsAsk;
    }

    /** Connections opened to backends: the first of each and every reconnect. */
    public Counter backendConnects() {
        return backendConnects;
    }

    /** Bytes read from clients, as they came over the wire (TLS records included). */
    public Counter bytesIn() {
        return bytesIn;
    }

    /** Bytes written to clients. */
    public Counter bytesOut() {
        return bytesOut;
    }

    /** How many requests the routing stage handled per batch (one flush per backend per batch). */
    public com.codahale.metrics.Histogram batchSizes() {
        return batchSizes;
    }

    /** A sample of one backend's reply latency (request written to reply read), in microseconds. */
    public com.codahale.metrics.Histogram backendLatency(String address) {
        return backendLatency.computeIfAbsent(address, a -> newHistogram());
    }

    /** Every backend's latency histogram, by address. */
    public java.util.Map<String, com.codahale.metrics.Histogram> backendLatencies() {
        return java.util.Map.copyOf(backendLatency);
    }

    /** A sample of one command's end-to-end latency, in microseconds; a bounded number of names, then "other". */
    public com.codahale.metrics.Histogram commandLatency(String command) {
        com.codahale.metrics.Histogram histogram = commandLatency.get(command);
        if (histogram != null) {
            return histogram;
        }
        String name = commandLatency.size() < MAX_COMMANDS_TIMED ? command : "other";
        return commandLatency.computeIfAbsent(name, a -> newHistogram());
    }

    /** Every timed command's latency histogram, by name. */
    public java.util.Map<String, com.codahale.metrics.Histogram> commandLatencies() {
        return java.util.Map.copyOf(commandLatency);
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

    /**
     * Requests failed because a backend was unreachable, closed, or too slow. A request held for its backend (see
     * {@link #held}) counts here only if its hold ends in a failure.
     */
    public Counter backendErrors() {
        return backendErrors;
    }

    /**
     * Requests held because their backend could not be reached, to be routed again while the router's hold lasts
     * (redis-cluster's {@code hold-unsent-for}, through a failover): counted once per request, whatever its end.
     */
    public Counter held() {
        return held;
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
