package io.puerta.runtime.frontdoor.mongo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.puerta.runtime.access.Authenticator;
import io.puerta.runtime.access.ScramServer;
import io.puerta.runtime.access.User;
import io.puerta.runtime.access.Users;
import io.puerta.runtime.protocol.mongo.BsonWriter;
import io.puerta.runtime.protocol.mongo.MongoReplies;
import io.puerta.runtime.protocol.mongo.MongoRequest;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One MongoDB client's login to the proxy in the per-message mode, when the proxy has users: the client logs in with
 * SCRAM-SHA-256 (saslStart, saslContinue) against {@code puerta.auth.users}, answered here, since its messages share
 * mongos connections the proxy itself logged in on. Before that, only the handshake and ping pass. Event loop only.
 */
final class MongoLogin {

    static final int UNAUTHORIZED = 13;
    static final int AUTHENTICATION_FAILED = 18;
    private static final Set<String> BEFORE_LOGIN =
            Set.of("hello", "isMaster", "ismaster", "ping", "buildInfo", "buildinfo", "endSessions");
    private static final String MECHANISM = "SCRAM-SHA-256";

    /** What to do with one message: route it ({@code reply} null), or write {@code reply} after {@code delayMillis}. */
    record Verdict(ByteBuf reply, long delayMillis) {
        static final Verdict PASS = new Verdict(null, 0);
    }

    private final Authenticator authenticator;
    private final Users users;
    private final String source;
    private ScramServer conversation;
    private boolean skipEmptyExchange;
    private User pending; // proven, its server-final sent, waiting for the client's empty last step
    private User user;

    MongoLogin(Authenticator authenticator, String source) {
        this.authenticator = authenticator;
        this.users = authenticator.users();
        this.source = source;
    }

    Verdict screen(MongoRequest request, ByteBufAllocator alloc) {
        String command = request.commandName().orElse("");
        switch (command) {
            case "saslStart":
                return start(request, alloc);
            case "saslContinue":
                return proceed(request, alloc);
            case "authenticate":
                return failed(
                        request,
                        alloc,
                        "mechanism " + request.stringField("mechanism") + " is not supported" + " by the proxy: use "
                                + MECHANISM,
                        null);
            case "logout":
                user = null;
                return reply(request, alloc, new BsonWriter(alloc).dbl("ok", 1).finish(), 0);
            default:
                if (user != null || BEFORE_LOGIN.contains(command)) {
                    return Verdict.PASS;
                }
                return error(
                        request,
                        alloc,
                        "command " + command + " requires authentication",
                        UNAUTHORIZED,
                        "Unauthorized",
                        0);
        }
    }

    private Verdict start(MongoRequest request, ByteBufAllocator alloc) {
        String mechanism = request.stringField("mechanism");
        if (!MECHANISM.equals(mechanism)) {
            return failed(
                    request,
                    alloc,
                    "mechanism " + mechanism + " is not supported by the proxy: use " + MECHANISM,
                    null);
        }
        byte[] payload = request.binaryField("payload");
        if (payload == null) {
            return failed(request, alloc, "saslStart without a payload", null);
        }
        conversation = new ScramServer(users);
        pending = null;
        skipEmptyExchange = Boolean.TRUE.equals(request.boolField("options.skipEmptyExchange"));
        try {
            String serverFirst = conversation.first(new String(payload, StandardCharsets.UTF_8));
            return sasl(request, alloc, serverFirst, false);
        } catch (ScramServer.ScramFailure e) {
            return failed(request, alloc, e.getMessage(), conversation.username());
        }
    }

    private Verdict proceed(MongoRequest request, ByteBufAllocator alloc) {
        if (pending != null) {
            user = pending; // the client checked the server's signature and sent its empty last step
            pending = null;
            conversation = null;
            return sasl(request, alloc, "", true);
        }
        byte[] payload = request.binaryField("payload");
        if (conversation == null || payload == null) {
            return failed(request, alloc, "saslContinue without a conversation", null);
        }
        ScramServer scram = conversation;
        try {
            String serverFinal = scram.last(new String(payload, StandardCharsets.UTF_8));
            authenticator.record("mongo", scram.user().name(), source, null);
            if (skipEmptyExchange) {
                user = scram.user();
                conversation = null;
                return sasl(request, alloc, serverFinal, true);
            }
            pending = scram.user();
            return sasl(request, alloc, serverFinal, false);
        } catch (ScramServer.ScramFailure e) {
            conversation = null;
            return failed(request, alloc, e.getMessage(), scram.username());
        }
    }

    private Verdict sasl(MongoRequest request, ByteBufAllocator alloc, String payload, boolean done) {
        ByteBuf body = new BsonWriter(alloc)
                .int32("conversationId", 1)
                .bool("done", done)
                .binary("payload", payload.getBytes(StandardCharsets.UTF_8))
                .dbl("ok", 1)
                .finish();
        return reply(request, alloc, body, 0);
    }

    /** A failed login: audited, answered as MongoDB does (the reason goes to the audit trail, not to the client). */
    private Verdict failed(MongoRequest request, ByteBufAllocator alloc, String reason, String username) {
        Authenticator.Outcome outcome = authenticator.record("mongo", username == null ? "" : username, source, reason);
        return error(
                request,
                alloc,
                "Authentication failed.",
                AUTHENTICATION_FAILED,
                "AuthenticationFailed",
                outcome.delayMillis());
    }

    private static Verdict error(
            MongoRequest request, ByteBufAllocator alloc, String message, int code, String codeName, long delay) {
        return new Verdict(
                MongoReplies.error(alloc, request.opCode(), request.requestId(), message, code, codeName), delay);
    }

    private static Verdict reply(MongoRequest request, ByteBufAllocator alloc, ByteBuf body, long delay) {
        return new Verdict(MongoReplies.reply(alloc, request.opCode(), request.requestId(), body), delay);
    }
}
