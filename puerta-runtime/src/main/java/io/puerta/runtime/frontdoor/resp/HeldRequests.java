package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.puerta.runtime.protocol.resp.ConnectionSetup;
import io.puerta.spi.request.ClientInfo;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * One client's requests that wait to be routed again: one its router answered {@code TRYAGAIN} (a slot a fleet's
 * move holds for a moment), and the client's later requests, queued behind it so that they run in the order sent.
 * The head is routed again every {@link RespDispatcher#TRY_AGAIN_EVERY_MILLIS}; once it goes through, the next
 * follows at once. A request that waited {@link RespDispatcher#HOLD_TRY_AGAIN_NANOS} gets the {@code TRYAGAIN}
 * error after all.
 *
 * <p>The queue is taken from by a timer thread and added to on the routing stage; {@link #waiting} is the routing
 * stage's alone: requests queued or being routed again, which later requests of the client wait behind.
 */
final class HeldRequests {

    /**
     * A request waiting: its bytes (owned here until routed again or failed), as its client sent them.
     *
     * @param deadlineNanos when it stops waiting and gets {@code reason}
     */
    record Held(
            ByteBuf frame,
            ClientInfo client,
            ConnectionSetup setup,
            PendingReply reply,
            long deadlineNanos,
            String reason) {}

    final ConcurrentLinkedDeque<Held> queue = new ConcurrentLinkedDeque<>();
    int waiting; // routing stage only
    boolean scheduled; // routing stage and timer: guarded by this
}
