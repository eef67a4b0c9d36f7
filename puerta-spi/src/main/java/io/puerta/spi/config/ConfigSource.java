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
     * The current shared configuration, read now: the configuration operators write, with every document (see
     * {@link #publishDocument}) laid over it, in the order of their names.
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
     * The fleet as the source knows it now: one map per member with at least {@code name}, {@code live} (false for
     * a member that joined and never left, but whose announcement lapsed: dead, or cut off from the source),
     * and for a live one {@code address}, {@code version}, {@code appliedRevision}, {@code outcome}, {@code ready}
     * and {@code routing}. A member that left on stopping is not listed.
     *
     * @throws io.puerta.spi.PluginException when the source cannot be reached
     */
    List<Map<String, Object>> members();

    /**
     * Forgets a member that will not come back (operators: {@code puerta fleet forget}), so that steps waiting for
     * every member's acknowledgement no longer wait for it.
     *
     * @throws io.puerta.spi.PluginException when the source cannot be reached
     */
    void forget(String member);

    /**
     * A document the fleet's tools keep beside the configuration (e.g. {@code slots}: the moves of a slot table),
     * read now.
     *
     * @return its text and its own revision; revision 0 and empty text when there is none
     * @throws io.puerta.spi.PluginException when the source cannot be reached
     */
    SharedConfig document(String name);

    /**
     * Replaces a document, if it is still at {@code expectedRevision} (0: if there is none), atomically: two tools
     * never both think they made the same step. Every member sees the new version, laid over the configuration,
     * like a change of the configuration itself.
     *
     * @param text the new text, HOCON without enclosing braces (it is laid over the configuration's text); empty
     *     removes the document
     * @return the revision of the shared configuration that includes the new version
     * @throws io.puerta.spi.PluginException when the source cannot be reached, or the document changed meanwhile
     *     (the message says so)
     */
    long publishDocument(String name, String text, long expectedRevision);

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
