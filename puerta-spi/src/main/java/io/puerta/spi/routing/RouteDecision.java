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
     * or {@code NOPROTO}), which is then kept as the code.
     */
    static RouteDecision fail(String message) {
        return new Fail(message);
    }

    /** Send the parts and combine their replies with the router's own merger. */
    static RouteDecision split(List<SplitPart> parts, ReplyMerger merger) {
        return new Split(parts, MergeKind.CUSTOM, merger);
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
     * Forward unchanged to one backend.
     *
     * @param prelude a command to run first (see {@link Prelude}), or null
     */
    record Forward(Backend backend, Prelude prelude) implements RouteDecision {
        /** Validates the components. */
        public Forward {
            requireNonNull(backend, "backend is null");
        }

        /** Forward with no prelude. */
        public Forward(Backend backend) {
            this(backend, null);
        }
    }

    /**
     * Send each part to its backend and merge the replies into one, in the client's order. Used for multi-key
     * commands whose keys live on different backends, and for commands sent to every backend.
     *
     * @param merger the router's merger, required with {@link MergeKind#CUSTOM} and null otherwise
     */
    record Split(List<SplitPart> parts, MergeKind merge, ReplyMerger merger) implements RouteDecision {
        /** Validates the components. */
        public Split {
            requireNonNull(parts, "parts is null");
            requireNonNull(merge, "merge is null");
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("a split needs at least one part");
            }
            if ((merge == MergeKind.CUSTOM) != (merger != null)) {
                throw new IllegalArgumentException("a merger is given with MergeKind.CUSTOM, and only then");
            }
            parts = List.copyOf(parts);
        }

        /** A split merged by the runtime. */
        public Split(List<SplitPart> parts, MergeKind merge) {
            this(parts, merge, null);
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
