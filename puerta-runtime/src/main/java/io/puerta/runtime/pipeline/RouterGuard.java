package io.puerta.runtime.pipeline;

import com.codahale.metrics.Counter;
import io.puerta.runtime.plugin.PluginCalls;
import io.puerta.runtime.plugin.Registered;
import io.puerta.spi.PluginException;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.request.Request;
import io.puerta.spi.routing.CommandDescriber;
import io.puerta.spi.routing.Redirect;
import io.puerta.spi.routing.RedirectAware;
import io.puerta.spi.routing.ReplyAware;
import io.puerta.spi.routing.ReplyMerger;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import io.puerta.spi.routing.StatusAware;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a plugin's router with the plugin's context class loader, and turns anything it throws into a failed
 * request: a plugin bug costs one request, never the proxy. Each kind of failure is logged with its stack trace
 * once, and counted every time.
 */
public final class RouterGuard {

    private static final Logger log = LoggerFactory.getLogger(RouterGuard.class);

    // replaced by a reload, on the routing stage; read there, and (describe, replied) on I/O threads
    private volatile Router router;
    private final String name;
    private final ClassLoader pluginLoader;
    private final Counter failures;
    private final Set<String> loggedFailures = ConcurrentHashMap.newKeySet();

    public RouterGuard(Router router, Registered<RouterFactory> origin, Counter failures) {
        this.router = router;
        this.name = origin.name();
        this.pluginLoader = origin.plugin().classLoader();
        this.failures = failures;
    }

    public RouteDecision route(Request request) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(pluginLoader);
        try {
            RouteDecision decision = router.route(request);
            if (decision == null) {
                return failed(new NullPointerException("router returned no decision"));
            }
            return decision;
        } catch (Throwable t) {
            return failed(t);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Runs a router's {@link ReplyMerger} on the replies of a split, guarded like {@link #route}.
     *
     * @param replies whole replies, read-only, one per part
     * @return the merged reply
     * @throws PluginCallFailed when the merger throws or returns no reply; its message is the client's error
     */
    public ByteBuffer merge(ReplyMerger merger, List<ByteBuffer> replies) {
        try {
            ByteBuffer merged = PluginCalls.withContext(pluginLoader, () -> merger.merge(replies));
            if (merged == null || !merged.hasRemaining()) {
                throw new IllegalStateException("reply merger returned no reply");
            }
            return merged;
        } catch (Throwable t) {
            RouteDecision.Fail fail = (RouteDecision.Fail) failed(t);
            throw new PluginCallFailed(fail.message());
        }
    }

    /**
     * Puts {@code next} (built by the same factory, from a reloaded configuration) in place of the router, on the
     * routing stage, between two requests; returns the router it replaced, for the caller to close off the routing
     * stage.
     */
    public Router swap(Router next) {
        Router previous = router;
        router = next;
        return previous;
    }

    /** Offers a new configuration to the router (on the routing stage); whether it applied it. */
    public boolean reconfigure(com.typesafe.config.Config config) {
        return guarded(() -> router.reconfigure(config), false, "apply the new configuration; it keeps the old one");
    }

    /** How many redirections to follow for the router's requests: 0 unless it is {@link RedirectAware}. */
    /** How many databases clients may SELECT (see {@link Router#databases}); 1 if the router fails to say. */
    public int databases() {
        Integer databases = guarded(router::databases, 1, "say how many databases it serves");
        return databases == null || databases < 1 ? 1 : databases;
    }

    public int maxRedirects() {
        if (!(router instanceof RedirectAware aware)) {
            return 0;
        }
        return Math.max(0, guarded(aware::maxRedirects, 0, "say how many redirections to follow; following none"));
    }

    /** How long a request that could not be sent may be held and routed again: zero unless the router says. */
    public java.time.Duration holdUnsent() {
        if (!(router instanceof RedirectAware aware)) {
            return java.time.Duration.ZERO;
        }
        java.time.Duration hold =
                guarded(aware::holdUnsent, java.time.Duration.ZERO, "say how long to hold unsent requests; none");
        return hold == null || hold.isNegative() ? java.time.Duration.ZERO : hold;
    }

    /** Tells a {@link RedirectAware} router that a backend is in trouble (on the routing stage). */
    public void unreachable(io.puerta.spi.backend.Backend backend, String reason) {
        if (router instanceof RedirectAware aware) {
            guarded(
                    () -> {
                        aware.unreachable(backend, reason);
                        return null;
                    },
                    null,
                    "take an unreachable backend into account");
        }
    }

    /** Tells a {@link RedirectAware} router about a redirection the runtime followed (on the routing stage). */
    public void redirected(Redirect redirect) {
        if (router instanceof RedirectAware aware) {
            guarded(
                    () -> {
                        aware.redirected(redirect);
                        return null;
                    },
                    null,
                    "take a redirection into account");
        }
    }

    /**
     * The router's {@link CommandDescriber}, guarded (any thread: the contract makes it thread-safe): a failure is
     * logged once per kind and describes nothing, so the command is refused to a user whose rights depend on it.
     * Null when the router cannot describe commands.
     */
    public CommandDescriber describer() {
        if (!(router instanceof CommandDescriber)) {
            return null;
        }
        return command -> {
            // the router of the moment: a reload may have replaced the one there was when this was asked for
            if (!(router instanceof CommandDescriber describer)) {
                return null;
            }
            try {
                return PluginCalls.withContext(pluginLoader, () -> describer.describe(command));
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError error && !(t instanceof StackOverflowError)) {
                    throw error;
                }
                countAndLogOnce(t, "describe:", "failed to describe a command");
                return null;
            }
        };
    }

    /** Whether the router wants to see replies ({@link ReplyAware}). */
    public boolean observesReplies() {
        return router instanceof ReplyAware;
    }

    /**
     * Shows a {@link ReplyAware} router a reply (on a backend event loop; the contract makes it thread-safe),
     * guarded: a failure is logged once per kind and the reply goes on to the client all the same.
     */
    public void replied(Request request, Backend backend, ByteBuffer reply) {
        if (!(router instanceof ReplyAware aware)) {
            return;
        }
        try {
            PluginCalls.withContext(pluginLoader, () -> {
                aware.replied(request, backend, reply);
                return null;
            });
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError error && !(t instanceof StackOverflowError)) {
                throw error;
            }
            countAndLogOnce(t, "replied:", "failed while shown a reply");
        }
    }

    /** Tells the router a client left (on the routing stage), guarded. */
    public void clientClosed(long clientId) {
        guarded(
                () -> {
                    router.clientClosed(clientId);
                    return null;
                },
                null,
                "forget a client that left");
    }

    /** A call into the router off the request path: with its class loader, and what it throws logged, not thrown. */
    private <T> T guarded(java.util.function.Supplier<T> call, T fallback, String failedTo) {
        try {
            return PluginCalls.withContext(pluginLoader, call);
        } catch (RuntimeException e) {
            log.error("router '{}' failed to {}", name, failedTo, e);
            return fallback;
        }
    }

    public String name() {
        return name;
    }

    /**
     * What a {@link StatusAware} router shows operators (routing stage), guarded; an empty map for other routers,
     * and for a router that fails to say (logged once per kind).
     */
    public java.util.Map<String, Object> status() {
        if (!(router instanceof StatusAware aware)) {
            return java.util.Map.of();
        }
        try {
            java.util.Map<String, Object> status = PluginCalls.withContext(pluginLoader, aware::status);
            return status == null ? java.util.Map.of() : status;
        } catch (RuntimeException e) {
            countAndLogOnce(e, "status:", "failed to describe its state");
            return java.util.Map.of("error", "the router failed to describe its state: " + e);
        }
    }

    /**
     * Why some requests have no route now (routing stage), or null: asked of a {@link StatusAware} router; a router
     * that is not one is taken at its word that every request has a route. A router that fails to say is not ready.
     */
    public String unroutable() {
        if (!(router instanceof StatusAware aware)) {
            return null;
        }
        try {
            return PluginCalls.withContext(pluginLoader, aware::unroutable);
        } catch (RuntimeException e) {
            countAndLogOnce(e, "unroutable:", "failed to say whether every request has a route");
            return "router '" + name + "' failed to say whether every request has a route";
        }
    }

    public void close() {
        try {
            PluginCalls.withContext(pluginLoader, () -> {
                router.close();
                return null;
            });
        } catch (Throwable t) {
            log.warn("router '{}' failed to close", name, t);
        }
    }

    private RouteDecision failed(Throwable t) {
        if (t instanceof VirtualMachineError error && !(t instanceof StackOverflowError)) {
            throw error;
        }
        if (t instanceof PluginException expected) {
            // The plugin's own way of refusing a request: its message is the client's error, not a bug.
            log.debug("router '{}' refused a request: {}", name, expected.getMessage());
            return RouteDecision.fail(String.valueOf(expected.getMessage()));
        }
        countAndLogOnce(t, "", "failed");
        return RouteDecision.fail("router '" + name + "' failed: " + t);
    }

    /** Counts a plugin failure; its stack trace is logged once per kind (class and first frame), later ones at debug. */
    private void countAndLogOnce(Throwable t, String where, String what) {
        failures.inc();
        String kind = where + t.getClass().getName() + ":" + firstFrame(t);
        if (loggedFailures.size() < 1000 && loggedFailures.add(kind)) {
            log.error(
                    "router '{}' {} (logged once per kind of failure; see the router-failures metric)", name, what, t);
        } else {
            log.debug("router '{}' {}", name, what, t);
        }
    }

    private static String firstFrame(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length == 0 ? "" : trace[0].toString();
    }
}
