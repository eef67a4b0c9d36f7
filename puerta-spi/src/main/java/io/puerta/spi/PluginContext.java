package io.puerta.spi;

import io.puerta.spi.backend.Backend;
import java.util.List;

/** What the runtime offers a factory when it creates a router, identifier or health checker. */
public interface PluginContext {

    /** The backends listed in {@code puerta.backends}, in configuration order. */
    List<Backend> configuredBackends();

    /**
     * The backend at this address, created on first use. Routers that discover nodes at run time (a Redis Cluster's
     * slot map) use this to name backends that were not configured.
     */
    Backend backend(String host, int port);

    /**
     * Adds a command that every new backend connection sends before any request, such as Redis Cluster's
     * {@code READONLY} so that replicas serve reads. Its reply is read and dropped; an error reply is logged. Call it
     * while creating the router, before traffic arrives.
     *
     * @param command the command name and its arguments
     */
    void greetBackendsWith(List<String> command);

    /** The name of the factory being created, as selected in the configuration. */
    String factoryName();

    /**
     * Runs {@code task} on the routing stage, between two requests, in order with them: the way a plugin's own
     * threads (topology refreshers, migrations) change what its router reads, without locks. Callable from any
     * thread but an event loop; tasks submitted before the proxy has started run once it starts.
     */
    void runOnRoutingStage(Runnable task);

    /** Where this plugin reports its metrics. */
    io.puerta.spi.metrics.PluginMetrics metrics();

    /**
     * Closes the runtime's shared connections to {@code backend} now: the requests in flight there fail with
     * {@code reason} (their outcome is unknown), and the next request connects anew. For a router that learned that a
     * backend which stopped answering has lost its role (a stalled master failed over), so that its clients get an
     * answer now rather than after the request timeout. Any thread.
     */
    default void resetConnections(Backend backend, String reason) {}
}
