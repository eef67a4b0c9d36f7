package io.puerta.plugin.mongo.affinity.routing;

import io.puerta.plugin.mongo.affinity.wire.HelloClient;
import io.puerta.plugin.mongo.affinity.wire.MongoWire;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import io.puerta.spi.request.MongoMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own answer to hello/isMaster in the per-message mode, where a client's connection reaches no single
 * mongos: one consistent reply saying "a mongos" ({@code msg: "isdbgrid"}), with the lowest {@code maxWireVersion}
 * and {@code logicalSessionTimeoutMinutes} of the healthy mongos, so a driver uses only what all of them support.
 * Those two are learned by asking every mongos hello on an interval, on a thread of its own.
 */
final class Handshake implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Handshake.class);

    private final List<Backend> mongos;
    private final Duration timeout;
    private final ScheduledExecutorService executor;
    private volatile int maxWireVersion;
    private volatile int sessionTimeoutMinutes;
    private volatile int minWireVersion;

    Handshake(List<Backend> mongos, Duration timeout, int defaultMaxWireVersion, int defaultSessionTimeoutMinutes) {
        this.mongos = List.copyOf(mongos);
        this.timeout = timeout;
        this.maxWireVersion = defaultMaxWireVersion;
        this.sessionTimeoutMinutes = defaultSessionTimeoutMinutes;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "puerta-mongo-handshake");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Asks the mongos now (startup, calling thread), then every {@code interval}. */
    void start(Duration interval) {
        probe();
        executor.scheduleWithFixedDelay(this::probe, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        int wire = Integer.MAX_VALUE;
        int minWire = 0;
        int session = Integer.MAX_VALUE;
        for (Backend backend : mongos) {
            if (backend.health() == BackendHealth.DOWN) {
                continue;
            }
            try {
                BsonDocument reply =
                        HelloClient.hello(backend.socketFactory(), backend.host(), backend.port(), timeout);
                if (!HelloClient.ok(reply)) {
                    continue;
                }
                if (reply.isNumber("maxWireVersion")) {
                    wire = Math.min(wire, reply.getNumber("maxWireVersion").intValue());
                }
                if (reply.isNumber("minWireVersion")) {
                    minWire =
                            Math.max(minWire, reply.getNumber("minWireVersion").intValue());
                }
                if (reply.isNumber("logicalSessionTimeoutMinutes")) {
                    session = Math.min(
                            session,
                            reply.getNumber("logicalSessionTimeoutMinutes").intValue());
                }
            } catch (Exception e) {
                log.debug("mongos {} did not answer hello: {}", backend.address(), e.getMessage());
            }
        }
        if (wire != Integer.MAX_VALUE) {
            maxWireVersion = wire;
            minWireVersion = Math.min(minWire, wire);
        }
        if (session != Integer.MAX_VALUE) {
            sessionTimeoutMinutes = session;
        }
    }

    /** The reply to a client's hello, isMaster or ismaster, framed for the message that asked. */
    ByteBuffer reply(MongoMessage request) {
        String command = request.commandName().orElse("hello");
        BsonDocument body = new BsonDocument();
        body.append(command.equals("hello") ? "isWritablePrimary" : "ismaster", BsonBoolean.TRUE)
                .append("helloOk", BsonBoolean.TRUE)
                .append("msg", new BsonString("isdbgrid"))
                .append("maxBsonObjectSize", new BsonInt32(16 * 1024 * 1024))
                .append("maxMessageSizeBytes", new BsonInt32(48_000_000))
                .append("maxWriteBatchSize", new BsonInt32(100_000))
                .append("localTime", new BsonDateTime(System.currentTimeMillis()))
                .append("logicalSessionTimeoutMinutes", new BsonInt32(sessionTimeoutMinutes))
                .append("connectionId", new BsonInt64(request.client().connectionId()))
                .append("minWireVersion", new BsonInt32(minWireVersion))
                .append("maxWireVersion", new BsonInt32(maxWireVersion))
                .append("readOnly", BsonBoolean.FALSE)
                // clients log in to the proxy itself, with SCRAM-SHA-256 (a driver asking which mechanisms a user
                // has picks from this; without it, it would try SCRAM-SHA-1)
                .append(
                        "saslSupportedMechs",
                        new org.bson.BsonArray(java.util.List.of(new BsonString("SCRAM-SHA-256"))))
                .append("ok", new BsonDouble(1.0));
        return request.opCode() == MongoWire.OP_QUERY
                ? MongoWire.opReply(0, request.requestId(), body)
                : MongoWire.opMsg(0, request.requestId(), body);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** For {@link PluginContext}-free tests. */
    int maxWireVersion() {
        return maxWireVersion;
    }
}
