package io.puerta.spi.config;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where an instance reads the configuration it shares with its fleet, hears of later versions, and announces
 * itself. Thread-safe: the runtime calls it from its configuration thread, its admin listener and its command line.
 *
 * <p>When the source cannot be reached, the instance keeps running with the version it last applied: a source
 * reports its trouble in {@link #status()} and recovers by itself, never by failing the proxy.
 */
public interface ConfigSource extends AutoCloseable {

    /** The source for logs and status, e.g. {@code etcd http://10.0.0.5:2379 /puerta/prod}; never a secret. */
    String describe();

    /**
     * The current shared configuration, read now.
     *
     * @throws io.puerta.spi.PluginException when the source cannot be reached or read in time (the message says
     *     which and why, without secrets)
     */
    SharedConfig read();

    /**
     * Calls {@code changes} with each later version, in revision order, from the source's own thread; at most one
     * call at a time. After an outage the source catches up by itself, calling with the newest version it missed.
     * Called once.
     */
    void watch(Consumer<SharedConfig> changes);

    /**
     * Announces this instance to the fleet for as long as it lives: the announcement lapses when the instance
     * stops without leaving (a lease), and comes back by itself after an outage. Called once, when the listener
     * is open.
     */
    void join(Member self, MemberState state);

    /** Updates this instance's announcement. Never blocks on the source: the latest state is sent when it can be. */
    void report(MemberState state);

    /**
     * The fleet as the source knows it now: one map per live member with at least {@code name}, {@code address},
     * {@code version}, {@code appliedRevision}, {@code outcome} and {@code ready}.
     *
     * @throws io.puerta.spi.PluginException when the source cannot be reached
     */
    List<Map<String, Object>> members();

    /**
     * Replaces the shared configuration with {@code text} (operators: {@code puerta config push}).
     *
     * @return the revision of the new version
     * @throws io.puerta.spi.PluginException when the source cannot be reached or refuses the write
     */
    long publish(String text);

    /**
     * The source's state for {@code /status}: at least {@code source} (as {@link #describe()}), {@code reachable},
     * and {@code staleSince} (an ISO-8601 instant, or null while the source answers).
     */
    Map<String, Object> status();

    /** Leaves the fleet (this instance's announcement goes at once) and releases the connection. */
    @Override
    void close();
}
