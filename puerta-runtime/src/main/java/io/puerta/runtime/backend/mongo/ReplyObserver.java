package io.puerta.runtime.backend.mongo;

import io.puerta.runtime.protocol.mongo.MongoRequest;
import io.puerta.spi.backend.Backend;
import java.nio.ByteBuffer;

/**
 * Shown each reply a mongos gives, before the client gets it: how the router learns where cursors live. Called on
 * the multiplexed connection's event loop, concurrently with routing, so an implementation must be thread-safe.
 */
@FunctionalInterface
public interface ReplyObserver {

    /** Sees {@code reply} (read-only, valid during the call only) to {@code request} from {@code backend}. */
    void replied(MongoRequest request, Backend backend, ByteBuffer reply);
}
