package io.puerta.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.puerta.runtime.protocol.mongo.BsonWriter;
import io.puerta.runtime.protocol.mongo.MongoFrame;
import io.puerta.runtime.protocol.mongo.MongoRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** MongoDB on the hot path: the header and the routing fields (command, $db, lsid, txnNumber) of a find. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MongoParseBenchmark {

    private ByteBuf message;

    @Setup
    public void setup() {
        ByteBuf body = new BsonWriter(ByteBufAllocator.DEFAULT)
                .string("find", "orders")
                .startDocument("filter")
                .string("customer", "c-1042")
                .int32("status", 2)
                .endDocument()
                .int32("batchSize", 101)
                .startDocument("lsid")
                .binary("id", new byte[16])
                .endDocument()
                .int64("txnNumber", 7)
                .startDocument("$clusterTime")
                .int64("clusterTime", 1)
                .endDocument()
                .string("$db", "shop")
                .finish();
        message = Unpooled.directBuffer();
        message.writeIntLE(0)
                .writeIntLE(1)
                .writeIntLE(0)
                .writeIntLE(MongoFrame.OP_MSG)
                .writeIntLE(0)
                .writeByte(0);
        message.writeBytes(body);
        body.release();
        message.setIntLE(0, message.readableBytes());
    }

    @Benchmark
    public void headerAndLsid(Blackhole hole) {
        MongoRequest request = MongoRequest.parse(Fixtures.CLIENT, MongoFrame.of(message.retainedDuplicate()));
        hole.consume(request.lsid());
        hole.consume(request.database());
        hole.consume(request.txnNumber());
        request.release();
    }
}
