package io.puerta.runtime.frontdoor;

import io.netty.channel.Channel;

/**
 * One client protocol's way into the proxy: how a new connection's pipeline is built and what represents it to the
 * listener. Each front door publishes its connections' requests to the routing stage through a
 * {@link io.puerta.runtime.pipeline.RequestSink} with a {@link io.puerta.runtime.pipeline.StageHandler} of its own.
 * The listener and graceful shutdown know front doors only through this interface; a new protocol is a new front
 * door, not an edit of an existing one.
 */
public interface FrontDoor {

    /** The protocol's name, for logs. */
    String protocol();

    /**
     * Sets up a client connection just accepted: adds its decoder and handler to the channel's pipeline. Called on
     * the channel's event loop, before it is registered for reading.
     */
    ClientHandle open(Channel channel);

    /**
     * What a client refused at the door (not allowed, too many clients) is told before it is disconnected, in this
     * protocol; null to say nothing (a protocol where the client speaks first, such as MongoDB's).
     */
    /**
     * Backend connections clients hold for themselves now: they take descriptors from the same room as clients do
     * ({@link Descriptors}).
     */
    default int heldBackendConnections() {
        return 0;
    }

    default io.netty.buffer.ByteBuf refusal(io.netty.buffer.ByteBufAllocator alloc, String message) {
        return null;
    }
}
