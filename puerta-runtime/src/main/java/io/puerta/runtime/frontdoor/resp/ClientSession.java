package io.puerta.runtime.frontdoor.resp;

import io.puerta.runtime.backend.BackendConnection;
import io.puerta.runtime.backend.BackendNode;
import io.puerta.runtime.backend.BackendRegistry;
import io.puerta.runtime.backend.ReplyStream;
import io.puerta.runtime.protocol.resp.ConnectionSetup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the runtime keeps for one client beyond its requests: the backend connections it holds alone (for blocking
 * commands, transactions and subscriptions), and whether it became a subscriber. Connections are opened on the
 * routing stage and closed when the client leaves, from its event loop.
 */
public final class ClientSession {

    private final long clientId;
    private final io.netty.channel.EventLoop loop;
    private final AtomicInteger dedicatedTotal;
    private final int maxDedicated;
    private final java.util.function.LongSupplier clients;
    private final Map<Dedicated, BackendConnection> dedicated = new ConcurrentHashMap<>(2);
    private volatile boolean closed;

    // routing stage only
    private BackendConnection subscription;
    private ReplyStream stream;
    private ConnectionSetup setup = ConnectionSetup.DEFAULT;
    // what the subscriber is subscribed to, by kind (channels, patterns, shard channels): when all are empty again,
    // the client leaves subscriber mode and its requests are routed as anyone's
    private final java.util.Set<String> channels = new java.util.HashSet<>();
    private final java.util.Set<String> patterns = new java.util.HashSet<>();
    private final java.util.Set<String> shardChannels = new java.util.HashSet<>();
    private ReplyMode replyMode = ReplyMode.ON;
    private boolean skipNext;
    final HeldRequests held = new HeldRequests();
    /** Where the client's requests go on shared connections, made for {@link #sharedSetup} (routing stage). */
    RespDispatcher.Connections sharedConnections;

    ConnectionSetup sharedSetup;
    /** What its redirecting slots on {@link #sharedConnections} share (routing stage). */
    RedirectingSlot.Shared sharedRedirects;

    // what CLIENT LIST shows: written and read on the routing stage (the user: written by the client's event loop
    // at its login, hence volatile)
    final String address;
    final String localAddress;
    final long createdMillis = System.currentTimeMillis();
    private final io.puerta.runtime.frontdoor.ClientHandle handle;
    String name;
    String libName;
    String libVersion;
    String lastCommand = "NULL";
    /** When the latest command was read (System.nanoTime): the front door's clock reading, not one more. */
    long lastCommandNanos = System.nanoTime();

    boolean noEvict;
    boolean noTouch;
    volatile String user = "default";

    /** CLIENT REPLY: whether the client is sent replies. */
    enum ReplyMode {
        ON,
        OFF,
        SKIP
    }

    /**
     * @param dedicatedTotal connections held by all clients, shared by every session
     * @param maxDedicated how many all clients together may hold
     * @param clients clients connected now: with the connections they hold, they share the descriptors' room
     */
    /**
     * @param address the client's address, host:port, as CLIENT LIST shows it
     * @param localAddress the proxy's address the client connected to
     * @param handle the client's connection, which CLIENT KILL closes
     */
    public ClientSession(
            long clientId,
            io.netty.channel.EventLoop loop,
            AtomicInteger dedicatedTotal,
            int maxDedicated,
            java.util.function.LongSupplier clients,
            String address,
            String localAddress,
            io.puerta.runtime.frontdoor.ClientHandle handle) {
        this.address = address;
        this.localAddress = localAddress;
        this.handle = handle;
        this.clients = clients;
        this.clientId = clientId;
        this.loop = loop;
        this.dedicatedTotal = dedicatedTotal;
        this.maxDedicated = maxDedicated;
    }

    public long clientId() {
        return clientId;
    }

    /** The client's event loop: its requests prefer the backend connection on that loop (no thread hop back). */
    io.netty.channel.EventLoop loop() {
        return loop;
    }

    /**
     * The client's own connection to {@code node}, opened on first use; null when the proxy-wide limit is reached.
     * The routing stage calls it, and so do backend event loops following a redirection.
     */
    BackendConnection dedicated(BackendNode node, BackendRegistry registry, ConnectionSetup setup) {
        Dedicated key = new Dedicated(node, setup);
        BackendConnection existing = dedicated.get(key);
        if (existing != null) {
            return existing;
        }
        if (dedicatedTotal.incrementAndGet() > maxDedicated
                || dedicatedTotal.get() + clients.getAsLong() > io.puerta.runtime.frontdoor.Descriptors.room()) {
            dedicatedTotal.decrementAndGet();
            return null;
        }
        BackendConnection created = registry.dedicatedConnection(node, setup);
        BackendConnection raced = dedicated.putIfAbsent(key, created);
        if (raced != null) {
            release(created);
            return raced;
        }
        if (closed && dedicated.remove(key, created)) {
            // the client left while we opened it; close() may have missed it
            release(created);
        }
        return created;
    }

    /** The connection this subscriber's requests go to, or null while the client is not a subscriber. */
    BackendConnection subscription() {
        return subscription;
    }

    /** The subscriber's stream, once {@link #subscription} is set. */
    ReplyStream stream() {
        return stream;
    }

    void subscribe(BackendConnection connection, ReplyStream stream) {
        this.subscription = connection;
        this.stream = stream;
    }

    /**
     * Notes what a pub/sub command the client sends changes in its subscriptions (routing stage, before the
     * request's bytes are handed on).
     *
     * @return how many confirmations the server sends for an unsubscribe (one a channel; one when there was none),
     *     0 for any other command
     */
    int track(io.puerta.runtime.protocol.resp.RespRequest request) {
        String name = request.name();
        java.util.Set<String> kind =
                switch (name) {
                    case "SUBSCRIBE", "UNSUBSCRIBE" -> channels;
                    case "PSUBSCRIBE", "PUNSUBSCRIBE" -> patterns;
                    case "SSUBSCRIBE", "SUNSUBSCRIBE" -> shardChannels;
                    default -> null;
                };
        if (kind == null) {
            return 0;
        }
        int argc = request.argCount();
        if (!name.contains("UNSUB")) {
            for (int i = 1; i < argc; i++) {
                kind.add(channelKey(request, i));
            }
            return 0;
        }
        if (argc == 1) {
            int confirmations = Math.max(1, kind.size());
            kind.clear();
            return confirmations;
        }
        for (int i = 1; i < argc; i++) {
            kind.remove(channelKey(request, i));
        }
        return argc - 1;
    }

    private static String channelKey(io.puerta.runtime.protocol.resp.RespRequest request, int index) {
        return new String(request.argBytes(index), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Whether the subscriber unsubscribed from every channel, pattern and shard channel. */
    boolean subscribedToNothing() {
        return channels.isEmpty() && patterns.isEmpty() && shardChannels.isEmpty();
    }

    /** The client is no subscriber any more: its requests are routed again (its stream ends on its own). */
    void leaveSubscription() {
        subscription = null;
        stream = null;
        channels.clear();
        patterns.clear();
        shardChannels.clear();
    }

    /** The client's setup now (RESP version, database): which backend connections its requests take. */
    ConnectionSetup setup() {
        return setup;
    }

    void setup(ConnectionSetup next) {
        this.setup = next;
    }

    /**
     * Whether the reply to the request being routed now is to be dropped (CLIENT REPLY OFF or SKIP), and moves SKIP
     * on: it silences the request after the one that set it. Routing stage, once per request.
     */
    boolean silenced() {
        if (skipNext) {
            skipNext = false;
            return true;
        }
        return replyMode == ReplyMode.OFF;
    }

    /** CLIENT REPLY: {@code SKIP} silences the next request only. */
    void replyMode(ReplyMode mode) {
        if (mode == ReplyMode.SKIP) {
            skipNext = true;
        } else {
            replyMode = mode;
        }
    }

    /** RESET: the client is as a new connection (its own backend connections closed, nothing selected). */
    void reset() {
        setup = ConnectionSetup.DEFAULT;
        replyMode = ReplyMode.ON;
        skipNext = false;
        name = null;
        noEvict = false;
        noTouch = false;
        closeDedicated("the client reset its connection");
    }

    /**
     * Closes the client's connection to the proxy (CLIENT KILL): at once, or, for the client that asked, once the
     * replies it is owed (the KILL's among them) are written. Any thread.
     */
    void kill(boolean self) {
        if (self) {
            handle.stopReading();
        } else {
            handle.close();
        }
    }

    /** Whether the client is a subscriber now. Routing stage. */
    boolean subscriber() {
        return subscription != null;
    }

    /** Routing stage: the client's latest command, read at {@code readNanos}, for CLIENT LIST. */
    void ran(String command, long readNanos) {
        lastCommand = command;
        lastCommandNanos = readNanos;
    }

    /** Whether the client has left. */
    boolean isClosed() {
        return closed;
    }

    /** The client left: closes its own backend connections. Any thread. */
    public void close() {
        closed = true;
        closeDedicated("the client closed its connection");
    }

    private void closeDedicated(String reason) {
        for (Dedicated key : dedicated.keySet()) {
            BackendConnection connection = dedicated.remove(key);
            if (connection != null) {
                release(connection, reason);
            }
        }
    }

    private void release(BackendConnection connection) {
        release(connection, "the client closed its connection");
    }

    private void release(BackendConnection connection, String reason) {
        dedicatedTotal.decrementAndGet();
        connection.close(reason);
    }

    /** A client's own connection is to one node, set up for the client as it was when it was opened. */
    private record Dedicated(BackendNode node, ConnectionSetup setup) {}

    /** Implemented by whatever represents a client to the routing stage. */
    public interface Holder {
        ClientSession session();
    }
}
