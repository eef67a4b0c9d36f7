package io.puerta.testplugin;

import com.typesafe.config.Config;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import io.puerta.spi.metrics.Counter;
import io.puerta.spi.request.Protocol;
import io.puerta.spi.request.Request;
import io.puerta.spi.request.RespCommand;
import io.puerta.spi.routing.MergeKind;
import io.puerta.spi.routing.RouteDecision;
import io.puerta.spi.routing.Router;
import io.puerta.spi.routing.RouterFactory;
import io.puerta.spi.routing.SplitPart;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Shards keys over two backends by the parity of the key's first byte; splits MGET, MSET, DEL and EXISTS. */
public final class SplitRouterFactory implements RouterFactory {
    @Override
    public String name() {
        return "test-split";
    }

    @Override
    public Protocol protocol() {
        return Protocol.RESP;
    }

    @Override
    public Router create(Config config, PluginContext context) {
        List<Backend> backends = context.configuredBackends();
        Counter splits = context.metrics().counter("splits");
        return request -> {
            RouteDecision decision = route((RespCommand) request, backends);
            if (decision instanceof RouteDecision.Split) {
                splits.inc();
            }
            return decision;
        };
    }

    private static RouteDecision route(RespCommand command, List<Backend> backends) {
        switch (command.name()) {
            case "DBSIZE":
                return RouteDecision.split(everywhere(command, backends), SplitRouterFactory::sumIntegers);
            case "BADMERGE":
                return RouteDecision.split(everywhere(command, backends), replies -> {
                    throw new IllegalArgumentException("merger failed on purpose");
                });
            case "MGET":
                return split(command, backends, 1, MergeKind.ARRAY_BY_POSITION);
            case "DEL":
            case "EXISTS":
                return split(command, backends, 1, MergeKind.INTEGER_SUM);
            case "MSET":
                return split(command, backends, 2, MergeKind.ALL_OK);
            default:
                if (command.argCount() < 2) {
                    return RouteDecision.forward(backends.get(0));
                }
                return RouteDecision.forward(backends.get(shard(command.argBytes(1))));
        }
    }

    private static RouteDecision split(RespCommand command, List<Backend> backends, int step, MergeKind merge) {
        List<List<byte[]>> args = new ArrayList<>();
        List<List<Integer>> positions = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            List<byte[]> partArgs = new ArrayList<>();
            partArgs.add(command.argBytes(0));
            args.add(partArgs);
            positions.add(new ArrayList<>());
        }
        for (int i = 1, key = 0; i < command.argCount(); i += step, key++) {
            int shard = shard(command.argBytes(i));
            for (int j = 0; j < step; j++) {
                args.get(shard).add(command.argBytes(i + j));
            }
            positions.get(shard).add(key);
        }
        List<SplitPart> parts = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            if (args.get(b).size() > 1) {
                parts.add(new SplitPart(backends.get(b), args.get(b), positions.get(b)));
            }
        }
        return new RouteDecision.Split(parts, merge);
    }

    private static List<SplitPart> everywhere(RespCommand command, List<Backend> backends) {
        List<SplitPart> parts = new ArrayList<>();
        for (Backend backend : backends) {
            parts.add(new SplitPart(backend, List.of("DBSIZE".getBytes(StandardCharsets.US_ASCII)), List.of()));
        }
        return parts;
    }

    // A custom merger reads raw RESP: here, integer replies such as ":12\r\n".
    private static ByteBuffer sumIntegers(List<ByteBuffer> replies) {
        long sum = 0;
        for (ByteBuffer reply : replies) {
            String text = StandardCharsets.US_ASCII.decode(reply).toString().trim();
            sum += Long.parseLong(text.substring(1));
        }
        return ByteBuffer.wrap((":" + sum + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static int shard(byte[] key) {
        return key.length == 0 ? 0 : key[0] & 1;
    }
}
