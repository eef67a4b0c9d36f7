package io.puerta.runtime.protocol.mongo;

import io.netty.buffer.ByteBuf;
import io.puerta.runtime.protocol.OwnedFrame;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.MongoMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A client's MongoDB message with the fields routing needs, read in place when it arrives (see {@link BsonScan}):
 * nothing else of the body is decoded. An {@link OwnedFrame}.
 */
public final class MongoRequest extends OwnedFrame implements MongoMessage {

    /** OP_MSG flagBits: a CRC-32C checksum ends the message. */
    public static final int CHECKSUM_PRESENT = 0x1;

    private static final Set<String> HANDSHAKES = Set.of("hello", "isMaster", "ismaster");
    private static final String[] METADATA = {
        "application.name", "driver.name", "driver.version", "os.type", "os.name", "os.architecture", "platform"
    };

    private final ClientInfo client;
    private final int opCode;
    private final int requestId;
    private final int responseTo;
    private final int flagBits;
    private String commandName;
    private String database;
    private byte[] lsid;
    private Long txnNumber;
    private Boolean startTransaction;
    private Boolean autocommit;
    private List<Long> cursorIds = List.of();
    private Map<String, String> clientMetadata = Map.of();
    private String identity;
    /** Where the command document starts in the frame, or -1 (no body: OP_COMPRESSED). */
    private int body = -1;

    /**
     * Reads the routing fields of {@code frame}, which this request then owns.
     *
     * @throws BsonScan.MalformedBsonException when the body does not hold together (the frame is released)
     */
    public static MongoRequest parse(ClientInfo client, MongoFrame frame) {
        MongoRequest request = new MongoRequest(client, frame);
        try {
            request.readBody();
            return request;
        } catch (RuntimeException e) {
            request.release();
            throw e instanceof BsonScan.MalformedBsonException malformed
                    ? malformed
                    : new BsonScan.MalformedBsonException("message body: " + e);
        }
    }

    private MongoRequest(ClientInfo client, MongoFrame frame) {
        super(frame.bytes());
        this.client = client;
        this.opCode = frame.opCode();
        this.requestId = frame.requestId();
        this.responseTo = frame.responseTo();
        this.flagBits = opCode == MongoFrame.OP_MSG && frame.bytes().readableBytes() >= 20
                ? frame.bytes().getIntLE(frame.bytes().readerIndex() + 16)
                : 0;
    }

    private void readBody() {
        ByteBuf buf = frame();
        int start = buf.readerIndex();
        int end = start + buf.readableBytes();
        int body;
        if (opCode == MongoFrame.OP_MSG) {
            body = opMsgBody(buf, start, end);
        } else if (opCode == MongoFrame.OP_QUERY) {
            int nameEnd = buf.indexOf(start + 20, end, (byte) 0);
            if (nameEnd < 0) {
                throw new BsonScan.MalformedBsonException("OP_QUERY collection name is not terminated");
            }
            String collection = buf.toString(start + 20, nameEnd - start - 20, StandardCharsets.UTF_8);
            int dot = collection.indexOf('.');
            database = dot < 0 ? collection : collection.substring(0, dot);
            body = nameEnd + 1 + 8;
        } else {
            return; // OP_COMPRESSED: opaque; it is relayed, never read
        }
        if (body < 0 || body >= end) {
            return;
        }
        this.body = body;
        commandName = BsonScan.firstName(buf, body, end);
        int element = BsonScan.find(buf, body, end, "$db");
        if (element >= 0 && BsonScan.type(buf, element) == BsonScan.STRING) {
            database = BsonScan.string(buf, BsonScan.valueAt(buf, element, end), end);
        }
        element = BsonScan.find(buf, body, end, "lsid");
        if (element >= 0 && BsonScan.type(buf, element) == BsonScan.DOCUMENT) {
            int lsidDoc = BsonScan.valueAt(buf, element, end);
            int id = BsonScan.find(buf, lsidDoc, end, "id");
            if (id >= 0 && BsonScan.type(buf, id) == BsonScan.BINARY) {
                int value = BsonScan.valueAt(buf, id, end);
                int length = buf.getIntLE(value);
                if (length >= 0 && length <= 64 && value + 5 + length <= end) {
                    lsid = new byte[length];
                    buf.getBytes(value + 5, lsid);
                }
            }
        }
        element = BsonScan.find(buf, body, end, "txnNumber");
        if (element >= 0) {
            txnNumber = BsonScan.integral(buf, element, end);
        }
        element = BsonScan.find(buf, body, end, "startTransaction");
        if (element >= 0) {
            startTransaction = BsonScan.bool(buf, element, end);
        }
        element = BsonScan.find(buf, body, end, "autocommit");
        if (element >= 0) {
            autocommit = BsonScan.bool(buf, element, end);
        }
        if ("getMore".equals(commandName)) {
            Long id = BsonScan.integral(buf, BsonScan.find(buf, body, end, "getMore"), end);
            cursorIds = id == null ? List.of() : List.of(id);
        } else if ("killCursors".equals(commandName)) {
            element = BsonScan.find(buf, body, end, "cursors");
            if (element >= 0 && BsonScan.type(buf, element) == BsonScan.ARRAY) {
                cursorIds = arrayOfLongs(buf, BsonScan.valueAt(buf, element, end), end);
            }
        } else if (commandName != null && HANDSHAKES.contains(commandName)) {
            element = BsonScan.find(buf, body, end, "client");
            if (element >= 0 && BsonScan.type(buf, element) == BsonScan.DOCUMENT) {
                clientMetadata = metadata(buf, BsonScan.valueAt(buf, element, end), end);
            }
        }
    }

    /** The body document of an OP_MSG: its one kind-0 section. */
    private int opMsgBody(ByteBuf buf, int start, int end) {
        int sectionsEnd = (flagBits & CHECKSUM_PRESENT) != 0 ? end - 4 : end;
        int at = start + 20;
        while (at < sectionsEnd) {
            byte kind = buf.getByte(at);
            if (kind == 0) {
                return at + 1;
            }
            if (kind != 1 || at + 5 > sectionsEnd) {
                throw new BsonScan.MalformedBsonException("OP_MSG section of kind " + kind);
            }
            int size = buf.getIntLE(at + 1);
            if (size < 4 || at + 1 + size > sectionsEnd) {
                throw new BsonScan.MalformedBsonException("OP_MSG document sequence of size " + size);
            }
            at += 1 + size;
        }
        throw new BsonScan.MalformedBsonException("OP_MSG without a body section");
    }

    private static List<Long> arrayOfLongs(ByteBuf buf, int array, int end) {
        int arrayEnd = array + BsonScan.documentLength(buf, array, end) - 1;
        List<Long> values = new ArrayList<>();
        int at = array + 4;
        while (at < arrayEnd) {
            Long value = BsonScan.integral(buf, at, end);
            if (value != null) {
                values.add(value);
            }
            int valueStart = BsonScan.valueAt(buf, at, end);
            at = valueStart + BsonScan.valueLength(buf, BsonScan.type(buf, at), valueStart, arrayEnd);
        }
        return List.copyOf(values);
    }

    private static Map<String, String> metadata(ByteBuf buf, int doc, int end) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String path : METADATA) {
            int dot = path.indexOf('.');
            int at = doc;
            String field = path;
            if (dot > 0) {
                int parent = BsonScan.find(buf, doc, end, path.substring(0, dot));
                if (parent < 0 || BsonScan.type(buf, parent) != BsonScan.DOCUMENT) {
                    continue;
                }
                at = BsonScan.valueAt(buf, parent, end);
                field = path.substring(dot + 1);
            }
            int element = BsonScan.find(buf, at, end, field);
            if (element >= 0 && BsonScan.type(buf, element) == BsonScan.STRING) {
                values.put(path, BsonScan.string(buf, BsonScan.valueAt(buf, element, end), end));
            }
        }
        return Map.copyOf(values);
    }

    /**
     * A field of the command document (of a sub-document when {@code path} has a dot: {@code options.x}), as the
     * element's offset in the frame, or -1 when it is absent.
     */
    private int field(String path) {
        if (body < 0) {
            return -1;
        }
        ByteBuf buf = frame();
        int end = buf.readerIndex() + buf.readableBytes();
        int doc = body;
        String[] names = path.split("\\.");
        for (int i = 0; i < names.length - 1; i++) {
            int element = BsonScan.find(buf, doc, end, names[i]);
            if (element < 0 || BsonScan.type(buf, element) != BsonScan.DOCUMENT) {
                return -1;
            }
            doc = BsonScan.valueAt(buf, element, end);
        }
        return BsonScan.find(buf, doc, end, names[names.length - 1]);
    }

    /** A string field of the command document, or null. */
    public String stringField(String path) {
        int element = field(path);
        if (element < 0 || BsonScan.type(frame(), element) != BsonScan.STRING) {
            return null;
        }
        int end = frame().readerIndex() + frame().readableBytes();
        return BsonScan.string(frame(), BsonScan.valueAt(frame(), element, end), end);
    }

    /** A binary field of the command document (a SASL payload), or null. */
    public byte[] binaryField(String path) {
        int element = field(path);
        if (element < 0 || BsonScan.type(frame(), element) != BsonScan.BINARY) {
            return null;
        }
        ByteBuf buf = frame();
        int end = buf.readerIndex() + buf.readableBytes();
        int value = BsonScan.valueAt(buf, element, end);
        int length = buf.getIntLE(value);
        if (length < 0 || value + 5 + length > end) {
            throw new BsonScan.MalformedBsonException("binary field " + path + " runs past its message");
        }
        byte[] bytes = new byte[length];
        buf.getBytes(value + 5, bytes);
        return bytes;
    }

    /** A boolean (or number) field of the command document, or null. */
    public Boolean boolField(String path) {
        int element = field(path);
        return element < 0 ? null : BsonScan.bool(frame(), element, frame().readerIndex() + frame().readableBytes());
    }

    /** A number field of the command document, or null. */
    public Long longField(String path) {
        int element = field(path);
        return element < 0
                ? null
                : BsonScan.integral(frame(), element, frame().readerIndex() + frame().readableBytes());
    }

    @Override
    public ClientInfo client() {
        return client;
    }

    @Override
    public int opCode() {
        return opCode;
    }

    @Override
    public int requestId() {
        return requestId;
    }

    @Override
    public int responseTo() {
        return responseTo;
    }

    @Override
    public int flagBits() {
        return flagBits;
    }

    @Override
    public ByteBuffer bytes() {
        ByteBuf frame = frame();
        return frame == null ? ByteBuffer.allocate(0) : frame.nioBuffer().asReadOnlyBuffer();
    }

    @Override
    public Optional<String> commandName() {
        return Optional.ofNullable(commandName);
    }

    @Override
    public Optional<String> database() {
        return Optional.ofNullable(database);
    }

    @Override
    public Optional<ByteBuffer> lsid() {
        return lsid == null
                ? Optional.empty()
                : Optional.of(ByteBuffer.wrap(lsid).asReadOnlyBuffer());
    }

    @Override
    public OptionalLong txnNumber() {
        return txnNumber == null ? OptionalLong.empty() : OptionalLong.of(txnNumber);
    }

    @Override
    public Optional<Boolean> startTransaction() {
        return Optional.ofNullable(startTransaction);
    }

    @Override
    public Optional<Boolean> autocommit() {
        return Optional.ofNullable(autocommit);
    }

    @Override
    public List<Long> cursorIds() {
        return cursorIds;
    }

    @Override
    public Map<String, String> clientMetadata() {
        return clientMetadata;
    }

    @Override
    public Optional<String> clientIdentity() {
        return Optional.ofNullable(identity);
    }

    /** Set by the routing stage, from the configured client identifier. */
    public void identity(String identity) {
        this.identity = identity;
    }

    @Override
    public String toString() {
        return "MongoRequest[op " + opCode + ", " + (commandName == null ? "no command" : commandName) + "]";
    }
}
