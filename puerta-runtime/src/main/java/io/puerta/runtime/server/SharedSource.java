package io.puerta.runtime.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.puerta.runtime.config.ConfigProblems;
import io.puerta.runtime.plugin.PluginCalls;
import io.puerta.runtime.plugin.Registered;
import io.puerta.spi.config.ConfigSource;
import io.puerta.spi.config.ConfigSourceFactory;
import io.puerta.spi.config.Member;
import io.puerta.spi.config.MemberState;
import io.puerta.spi.config.SharedConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration source of a fleet (a plugin's {@link ConfigSource}), as the runtime uses it: every call runs
 * with the plugin's class loader, a plugin's failure never escapes as anything but a clear message, and the newest
 * version read is kept for the next reload.
 */
public final class SharedSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedSource.class);

    private final String kind;
    private final ConfigSource source;
    private final ClassLoader loader;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile SharedConfig latest;

    private SharedSource(String kind, ConfigSource source, ClassLoader loader) {
        this.kind = kind;
        this.source = source;
        this.loader = loader;
        this.description = call(source::describe);
    }

    /**
     * Opens the source the instance's configuration selects.
     *
     * @throws ConfigProblems when its settings are not valid or the plugin fails to open it
     */
    static SharedSource open(Registered<ConfigSourceFactory> factory, Config local, String origin) {
        ClassLoader loader = factory.plugin().classLoader();
        try {
            ConfigSource source =
                    PluginCalls.withContext(loader, () -> factory.factory().open(local));
            if (source == null) {
                throw new ConfigProblems(
                        origin,
                        List.of("puerta.config-source.kind: the '" + factory.name() + "' source of "
                                + factory.plugin().location() + " opened nothing"));
            }
            return new SharedSource(factory.name(), source, loader);
        } catch (ConfigException e) {
            throw new ConfigProblems(origin, List.of(io.puerta.runtime.config.ProblemCollector.describe(e)));
        } catch (ConfigProblems e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigProblems(
                    origin,
                    List.of("puerta.config-source.kind: the '" + factory.name() + "' source could not be opened: "
                            + e.getMessage()));
        }
    }

    /** The source's plugin name, e.g. {@code etcd}. */
    public String kind() {
        return kind;
    }

    public String describe() {
        return description;
    }

    /**
     * Reads the current shared configuration now.
     *
     * @throws ConfigProblems when the source cannot be read
     */
    SharedConfig read(String origin) {
        try {
            SharedConfig shared = readNow();
            if (shared == null) {
                throw new IllegalStateException("the source returned nothing");
            }
            return shared;
        } catch (RuntimeException e) {
            throw new ConfigProblems(
                    origin,
                    List.of("puerta.config-source: cannot read the shared configuration from " + description + ": "
                            + e.getMessage()));
        }
    }

    /**
     * Reads the current shared configuration now (operators' commands).
     *
     * @throws io.puerta.spi.PluginException when the source cannot be read
     */
    public SharedConfig readNow() {
        SharedConfig shared = call(source::read);
        latest = shared;
        return shared;
    }

    /** The newest version read or heard of. */
    SharedConfig latest() {
        return latest;
    }

    /** Hears of later versions: {@link #latest()} is updated before {@code changes} is told. */
    void watch(Consumer<SharedConfig> changes) {
        call(() -> {
            source.watch(shared -> {
                SharedConfig previous = latest;
                if (previous == null || shared.revision() > previous.revision()) {
                    latest = shared;
                    changes.accept(shared);
                }
            });
            return null;
        });
    }

    void join(Member self, MemberState state) {
        quietly("join the fleet", () -> source.join(self, state));
    }

    void report(MemberState state) {
        quietly("report this instance's state", () -> source.report(state));
    }

    /** The live members, or the reason they cannot be listed. */
    public List<Map<String, Object>> members() {
        return call(source::members);
    }

    /** Forgets a member that will not come back. */
    public void forget(String member) {
        call(() -> {
            source.forget(member);
            return null;
        });
    }

    /** A document kept beside the configuration, read now; revision 0 when there is none. */
    public SharedConfig document(String name) {
        return call(() -> source.document(name));
    }

    /** Replaces a document if it is still at {@code expectedRevision}; the shared configuration's new revision. */
    public long publishDocument(String name, String text, long expectedRevision) {
        return call(() -> source.publishDocument(name, text, expectedRevision));
    }

    /** Writes a new shared configuration; its revision. */
    public long publish(String text) {
        return call(() -> source.publish(text));
    }

    /** The source's state, with the revision this instance last read; never throws. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("kind", kind);
        try {
            status.putAll(call(source::status));
        } catch (RuntimeException e) {
            status.put("source", description);
            status.put("error", e.getMessage());
        }
        SharedConfig shared = latest;
        status.put("latestRevision", shared == null ? null : shared.revision());
        return status;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            quietly("close", source::close);
        }
    }

    private <T> T call(Supplier<T> call) {
        return PluginCalls.withContext(loader, call);
    }

    private void quietly(String what, Runnable call) {
        try {
            PluginCalls.withContext(loader, () -> {
                call.run();
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("the {} configuration source failed to {}: {}", kind, what, e.toString());
        }
    }
}
