package io.puerta.runtime.frontdoor;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.netty.channel.Channel;
import io.puerta.runtime.audit.Audit;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.transport.Cidr;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect to a listener: the allow-list of source networks, and how many clients may be connected at once,
 * in all and from one source address. Checked as a connection is accepted, without blocking; a connection let in
 * is counted until it closes. Refusals are counted, and logged at most every 10 s.
 */
final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);

    private final List<Cidr> allow;
    private final int maxClients;
    private final int maxPerSource;
    private final AtomicInteger connected = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perSource = new ConcurrentHashMap<>();
    private final Counter refusedByAllowList;
    private final Counter refusedByLimit;
    private final QuietWarning refusals = new QuietWarning(log);

    private final java.util.function.IntSupplier held;

    /** @param held backend connections clients hold, which share the descriptors' room with clients */
    Admission(Settings.Listen listen, int maxClients, MetricRegistry metrics, java.util.function.IntSupplier held) {
        this.held = held;
        this.allow = listen.allow();
        this.maxClients = maxClients;
        this.maxPerSource = listen.maxClientsPerSource();
        this.refusedByAllowList = metrics.counter("puerta.clients.refused.allow-list");
        this.refusedByLimit = metrics.counter("puerta.clients.refused.max-clients");
    }

    /**
     * Lets {@code channel} in, counting it until it closes; or says why not (the message the client is sent).
     *
     * @return null when admitted
     */
    String admit(Channel channel) {
        java.net.InetAddress address =
                channel.remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
        if (!allow.isEmpty() && (address == null || allow.stream().noneMatch(cidr -> cidr.contains(address)))) {
            refusedByAllowList.inc();
            warn("connection from " + text(address) + " refused: not in puerta.listen.allow");
            Audit.connectionRefused(text(address), "not in puerta.listen.allow");
            return "connections from " + (address == null ? "this address" : address.getHostAddress())
                    + " are not allowed";
        }
        int now = connected.incrementAndGet();
        if (now > maxClients) {
            connected.decrementAndGet();
            refusedByLimit.inc();
            warn("connection from " + text(address) + " refused: " + maxClients
                    + " clients connected (puerta.listen.max-clients)");
            Audit.connectionRefused(text(address), "puerta.listen.max-clients (" + maxClients + ") reached");
            return "max number of clients reached";
        }
        int heldNow = held.getAsInt();
        if (now + heldNow > Descriptors.room()) {
            connected.decrementAndGet();
            refusedByLimit.inc();
            warn("connection from " + text(address) + " refused: " + (now - 1) + " clients and " + heldNow
                    + " backend connections of their own use the file descriptors this process may open ("
                    + Descriptors.limit() + ", ulimit -n)");
            Audit.connectionRefused(text(address), "no file descriptor left for another client");
            return "max number of clients reached";
        }
        String source = address == null ? "" : address.getHostAddress();
        // counted per source always, for operators (/status); limited only when configured
        AtomicInteger fromSource = perSource.computeIfAbsent(source, s -> new AtomicInteger());
        if (fromSource.incrementAndGet() > maxPerSource && maxPerSource > 0) {
            release(source);
            connected.decrementAndGet();
            refusedByLimit.inc();
            warn("connection from " + text(address) + " refused: " + maxPerSource
                    + " clients from that address (puerta.listen.max-clients-per-source)");
            Audit.connectionRefused(
                    text(address), "puerta.listen.max-clients-per-source (" + maxPerSource + ") reached");
            return "max number of clients reached for this address";
        }
        channel.closeFuture().addListener(f -> {
            connected.decrementAndGet();
            release(source);
        });
        return null;
    }

    /** Clients connected now. */
    int connected() {
        return connected.get();
    }

    /** Clients connected now, by source address (a snapshot; sources come and go meanwhile). */
    java.util.Map<String, Integer> bySource() {
        java.util.Map<String, Integer> snapshot = new java.util.TreeMap<>();
        perSource.forEach((source, count) -> snapshot.put(source, count.get()));
        return snapshot;
    }

    private void release(String source) {
        perSource.computeIfPresent(source, (s, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** Logs a refusal: at WARN at most every 10 s (with how many were refused meanwhile), else at DEBUG. */
    private void warn(String message) {
        refusals.warn(message);
    }

    private static String text(java.net.InetAddress address) {
        return address == null ? "an unknown address" : address.getHostAddress();
    }
}
