package io.puerta.runtime.backend.mongo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.puerta.runtime.protocol.mongo.BsonScan;
import io.puerta.runtime.protocol.mongo.BsonWriter;
import io.puerta.runtime.protocol.mongo.MongoFrame;
import io.puerta.runtime.protocol.mongo.MongoReplies;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Runs a SCRAM-SHA-256 conversation ({@code saslStart}, {@code saslContinue}) on a fresh mongos connection, on its
 * event loop, without blocking: each reply drives the next step. Reports null when authenticated, else why not.
 */
final class MongoAuthenticator {

    private final MongoCredentials credentials;
    private final Channel channel;
    private final Consumer<String> done;
    private final ScramSha256 scram;
    private int step;
    private int conversationId;

    MongoAuthenticator(MongoCredentials credentials, Channel channel, Consumer<String> done) {
        this.credentials = credentials;
        this.channel = channel;
        this.done = done;
        this.scram = new ScramSha256(credentials.username(), credentials.password());
    }

    void start() {
        ByteBuf body = new BsonWriter(channel.alloc())
                .int32("saslStart", 1)
                .string("mechanism", "SCRAM-SHA-256")
                .binary("payload", scram.clientFirst().getBytes(StandardCharsets.UTF_8))
                .int32("autoAuthorize", 1)
                .startDocument("options")
                .bool("skipEmptyExchange", true)
                .endDocument()
                .string("$db", credentials.source())
                .finish();
        send(body);
    }

    void onReply(MongoFrame reply) {
        try {
            ByteBuf buf = reply.bytes();
            int start = buf.readerIndex();
            int end = start + buf.readableBytes();
            if (reply.opCode() != MongoFrame.OP_MSG || buf.readableBytes() < 26 || buf.getByte(start + 20) != 0) {
                finish("unexpected reply to " + (step == 0 ? "saslStart" : "saslContinue"));
                return;
            }
            int body = start + 21;
            int ok = BsonScan.find(buf, body, end, "ok");
            Long okValue = ok < 0 ? null : BsonScan.integral(buf, ok, end);
            if (okValue == null || okValue != 1) {
                int errmsg = BsonScan.find(buf, body, end, "errmsg");
                finish(
                        errmsg < 0
                                ? "authentication failed"
                                : BsonScan.string(buf, BsonScan.valueAt(buf, errmsg, end), end));
                return;
            }
            int id = BsonScan.find(buf, body, end, "conversationId");
            if (id >= 0) {
                conversationId = BsonScan.integral(buf, id, end).intValue();
            }
            String payload = payload(buf, body, end);
            int doneAt = BsonScan.find(buf, body, end, "done");
            boolean serverDone = doneAt >= 0 && Boolean.TRUE.equals(BsonScan.bool(buf, doneAt, end));
            step++;
            if (step == 1) {
                saslContinue(scram.clientFinal(payload));
            } else if (step == 2) {
                scram.verifyServerFinal(payload);
                if (serverDone) {
                    finish(null);
                } else {
                    saslContinue(""); // servers without skipEmptyExchange want one more, empty round
                }
            } else {
                finish(serverDone ? null : "the server did not end the conversation");
            }
        } catch (ScramSha256.ScramException | RuntimeException e) {
            finish(e.getMessage());
        } finally {
            reply.release();
        }
    }

    private String payload(ByteBuf buf, int body, int end) {
        int element = BsonScan.find(buf, body, end, "payload");
        if (element < 0 || BsonScan.type(buf, element) != BsonScan.BINARY) {
            return "";
        }
        int value = BsonScan.valueAt(buf, element, end);
        int length = buf.getIntLE(value);
        return buf.toString(value + 5, length, StandardCharsets.UTF_8);
    }

    private void saslContinue(String payload) {
        send(new BsonWriter(channel.alloc())
                .int32("saslContinue", 1)
                .int32("conversationId", conversationId)
                .binary("payload", payload.getBytes(StandardCharsets.UTF_8))
                .string("$db", credentials.source())
                .finish());
    }

    private void send(ByteBuf body) {
        channel.writeAndFlush(MongoReplies.opMsg(channel.alloc(), MongoReplies.nextId(), 0, body));
    }

    private void finish(String failure) {
        if (step >= 0) {
            step = -100; // once
            done.accept(failure);
        }
    }
}
