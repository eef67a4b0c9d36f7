package io.puerta.spi.routing;

import static java.util.Objects.requireNonNull;

import io.puerta.spi.backend.Backend;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What a router decided for one request: forward it unchanged to one backend, split it into parts for several
 * backends whose replies the runtime merges, answer it directly, or fail it with an error message.
 */
public sealed interface RouteDecision
        permits RouteDecision.Forward, RouteDecision.Split, RouteDecision.Respond, RouteDecision.Fail {

    /** Forward the request bytes unchanged to {@code backend}. */
    static RouteDecision forward(Backend backend) {
        return new Forward(backend);
    }

    /**
     * Fail the request; the runtime encodes {@code message} as the protocol's error. For RESP the reply is
     * {@code -ERR <message>}, unless the message starts with an error code Redis defines (such as {@code CROSSSLOT}
     * or {@code NOPROTO}), which is then kept as the code. A RESP message starting {@code TRYAGAIN } (what cannot
     * be served now, but soon: a slot held while it moves) makes the runtime hold the request and route it again
     * every 10 ms, for up to 1 s, before the client gets the error; the client's later requests wait behind it.
     */
    static RouteDecision fail(String message) {
        return new Fail(message);
    }

    /** Send the parts and combine their replies with the router's own merger. */
    static RouteDecision split(List<SplitPart> parts, ReplyMerger merger) {
        return new Split(parts, MergeKind.CUSTOM, merger);
    }

    /**
     * Send the parts, in order, on the client's own connections (see {@link ConnectionUse#DEDICATED}), and combine
     * their replies with the router's merger. Parts for one backend go out back to back on one connection, so a
     * router can send a whole transaction ({@code MULTI}, the commands, {@code EXEC}) as one split. Redirections of
     * such parts are passed to the merger, not followed: re-sending one command of a transaction elsewhere would
     * break it.
     */
    static RouteDecision splitDedicated(List<SplitPart> parts, ReplyMerger merger) {
        return new Split(parts, MergeKind.CUSTOM, merger, ConnectionUse.DEDICATED);
    }

    /** Answer with these raw protocol bytes, without contacting any backend. */
    static RouteDecision respond(ByteBuffer reply) {
        return new Respond(reply);
    }

    /** Forward the request bytes unchanged to {@code backend} once {@code prelude} has been answered. */
    static RouteDecision forward(Backend backend, Prelude prelude) {
        return new Forward(backend, requireNonNull(prelude, "prelude is null"));
    }

    /**
     * Forward the request bytes unchanged to {@code backend} on the client's own connection to it (see {@link
     * ConnectionUse#DEDICATED}): blocking commands, WATCH and transactions.
     */
    static RouteDecision forwardDedicated(Backend backend) {
        return new Forward(backend, null, ConnectionUse.DEDICATED);
    }

    /**
     * Forward the request (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE) on the client's own connection to {@code backend} and
     * make the client a subscriber of it (see {@link ConnectionUse#SUBSCRIPTION}).
     */
    static RouteDecision subscribe(Backend backend) {
        return new Forward(backend, null, ConnectionUse.SUBSCRIPTION);
    }

    /**
     * Forward unchanged to one backend.
     *
     * @param prelude a command to run first (see {@link Prelude}), or null
     * @param connection which connection to that backend carries the request
     */
    record Forward(Backend backend, Prelude prelude, ConnectionUse connection) implements RouteDecision {
        /** Validates the components. */
        public Forward {
            requireNonNull(backend, "backend is null");
            requireNonNull(connection, "connection is null");
            if (prelude != null && connection == ConnectionUse.SUBSCRIPTION) {
                throw new IllegalArgumentException("a subscription takes no prelude");
            }
        }

        /** Forward on a shared connection with no prelude. */
        public Forward(Backend backend) {
            this(backend, null, ConnectionUse.SHARED);
        }

        /** Forward on a shared connection. */
        public Forward(Backend backend, Prelude prelude) {
            this(backend, prelude, ConnectionUse.SHARED);
        }
    }

    /**
     * Send each part to its backend and merge the replies into one, in the client's order. Used for multi-key
     * commands whose keys live on different backends, and for commands sent to every backend.
     *
     * @param merger the router's merger, required with {@link MergeKind#CUSTOM} and null otherwise
     */
    record Split(List<SplitPart> parts, MergeKind merge, ReplyMerger merger, ConnectionUse connection)
            implements RouteDecision {
        /** Validates the components. */
        public Split {
            requireNonNull(parts, "parts is null");
            requireNonNull(merge, "merge is null");
            requireNonNull(connection, "connection is null");
            if (connection == ConnectionUse.SUBSCRIPTION) {
                throw new IllegalArgumentException("a split cannot subscribe");
            }
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("a split needs at least one part");
            }
            if ((merge == MergeKind.CUSTOM) != (merger != null)) {
                throw new IllegalArgumentException("a merger is given with MergeKind.CUSTOM, and only then");
            }
            parts = List.copyOf(parts);
        }

        /** A split on shared connections, merged by the runtime. */
        public Split(List<SplitPart> parts, MergeKind merge) {
            this(parts, merge, null, ConnectionUse.SHARED);
        }

        /** A split on shared connections. */
        public Split(List<SplitPart> parts, MergeKind merge, ReplyMerger merger) {
            this(parts, merge, merger, ConnectionUse.SHARED);
        }
    }

    /** Answer directly with raw protocol bytes. */
    record Respond(ByteBuffer reply) implements RouteDecision {
        public Respond {
            requireNonNull(reply, "reply is null");
            reply = reply.asReadOnlyBuffer();
        }
    }

    /** Fail with an error the client sees. The message should name what went wrong. */
    record Fail(String message) implements RouteDecision {
        public Fail {
            requireNonNull(message, "message is null");
        }
    }
}
