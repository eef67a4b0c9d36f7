package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.puerta.runtime.metrics.SlowLog;
import io.puerta.runtime.protocol.resp.RespRequest;
import io.puerta.runtime.protocol.resp.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * {@code SLOWLOG GET [count] | LEN | RESET | HELP}, answered by the proxy from its own slow log, in Redis's reply
 * shape: {@code [id, unix time, microseconds, [command, "... (N more arguments)"], client address, client name]}.
 * Arguments are not kept (they may hold secrets), only how many there were.
 */
final class SlowLogCommand {

    private static final int DEFAULT_COUNT = 10;

    private SlowLogCommand() {}

    static ByteBuf answer(ByteBufAllocator alloc, RespRequest request, SlowLog log) {
        String sub = request.argCount() > 1 ? request.argString(1).toUpperCase(Locale.ROOT) : "";
        switch (sub) {
            case "LEN":
                return RespWriter.integer(alloc, log.size());
            case "RESET":
                log.reset();
                return RespWriter.status(alloc, "OK");
            case "GET":
                int count = DEFAULT_COUNT;
                if (request.argCount() > 2) {
                    try {
                        count = Integer.parseInt(request.argString(2));
                    } catch (NumberFormatException e) {
                        return RespWriter.error(alloc, "ERR value is out of range, must be positive");
                    }
                    if (count < -1) {
                        return RespWriter.error(alloc, "ERR count should be greater than or equal to -1");
                    }
                }
                return entries(alloc, log.newest(count));
            case "HELP":
                return RespWriter.array(
                        alloc,
                        List.of(
                                bytes("SLOWLOG GET [<count>]: the proxy's slowest requests, end to end, newest first"),
                                bytes("SLOWLOG LEN: how many are kept"),
                                bytes("SLOWLOG RESET: forget them (puerta.slowlog: threshold and size)")));
            default:
                return RespWriter.error(alloc, "ERR unknown subcommand '" + sub + "'. Try SLOWLOG HELP.");
        }
    }

    private static ByteBuf entries(ByteBufAllocator alloc, List<SlowLog.Entry> entries) {
        ByteBuf out = alloc.buffer(64 + entries.size() * 96);
        RespWriter.writeHeader(out, '*', entries.size());
        for (SlowLog.Entry entry : entries) {
            RespWriter.writeHeader(out, '*', 6);
            RespWriter.writeHeader(out, ':', entry.id());
            RespWriter.writeHeader(out, ':', entry.atMillis() / 1000);
            RespWriter.writeHeader(out, ':', entry.micros());
            int more = entry.argCount() - 1;
            RespWriter.writeHeader(out, '*', more > 0 ? 2 : 1);
            bulk(out, entry.command());
            if (more > 0) {
                bulk(out, "... (" + more + " more arguments)");
            }
            bulk(out, entry.client());
            bulk(out, "");
        }
        return out;
    }

    private static void bulk(ByteBuf out, String text) {
        byte[] bytes = bytes(text);
        RespWriter.writeHeader(out, '$', bytes.length);
        out.writeBytes(bytes).writeByte('\r').writeByte('\n');
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
