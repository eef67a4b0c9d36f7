package io.puerta.runtime.testing.diff;

import io.puerta.runtime.testing.RespConnection;
import io.puerta.runtime.testing.RespConnection.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The differential tester: the same seeded random command sequence ({@link CommandGenerator}) sent to one
 * standalone Redis server directly and to Puerta in front of other servers, over a RESP2 and a RESP3 connection to
 * each, replies compared with their types. A reply whose order Redis does not define (SMEMBERS, KEYS, ...) is
 * compared sorted, and a time to live as "positive". What differs on purpose is named by {@link Deliberate}, each
 * with its reason in docs/commands.md. Reproducible from its seed; bounded by its step count.
 */
public final class DifferentialRun {

    private static final Set<String> UNORDERED =
            Set.of("SMEMBERS", "SINTER", "SUNION", "SDIFF", "KEYS", "HKEYS", "HVALS", "HGETALL", "SCAN");

    /** A difference the proxy makes on purpose, for a reason written down. */
    @FunctionalInterface
    public interface Deliberate {
        boolean covers(List<String> command, Reply direct, Reply proxy);
    }

    /** One difference: the step, the command, the protocol and both replies (normalized as compared). */
    public record Difference(int step, List<String> command, int protocol, String direct, String proxy) {
        @Override
        public String toString() {
            return "step " + step + " RESP" + protocol + " " + String.join(" ", command) + "\n    direct: " + direct
                    + "\n    proxy:  " + proxy;
        }
    }

    /** What a run saw: how many commands were compared, and the differences not deliberate. */
    public record Outcome(long seed, int compared, int deliberate, List<Difference> differences, List<String> recent) {
        public String report() {
            StringBuilder text = new StringBuilder("seed " + seed + ": " + compared + " commands compared, "
                    + deliberate + " deliberate differences, " + differences.size() + " others\n");
            differences.stream().limit(10).forEach(d -> text.append(d).append('\n'));
            if (!differences.isEmpty()) {
                text.append("commands before the first difference:\n");
                recent.forEach(c -> text.append("    ").append(c).append('\n'));
            }
            return text.toString();
        }
    }

    private DifferentialRun() {}

    public static Outcome run(long seed, int steps, int directPort, int proxyPort, Deliberate deliberate) {
        CommandGenerator generator = new CommandGenerator(seed);
        Random protocols = new Random(seed ^ 0x5DEECE66DL);
        List<Difference> differences = new ArrayList<>();
        ArrayDeque<String> recent = new ArrayDeque<>();
        List<String> beforeFirst = List.of();
        int compared = 0;
        int deliberateCount = 0;
        try (RespConnection direct2 = new RespConnection(directPort);
                RespConnection direct3 = new RespConnection(directPort);
                RespConnection proxy2 = new RespConnection(proxyPort);
                RespConnection proxy3 = new RespConnection(proxyPort)) {
            direct3.call("HELLO", "3");
            proxy3.call("HELLO", "3");
            for (int step = 0; step < steps && differences.size() < 20; step++) {
                int protocol = protocols.nextBoolean() ? 2 : 3;
                RespConnection direct = protocol == 2 ? direct2 : direct3;
                RespConnection proxy = protocol == 2 ? proxy2 : proxy3;
                for (List<String> command : generator.next()) {
                    Reply fromDirect = call(direct, command);
                    Reply fromProxy = call(proxy, command);
                    compared++;
                    String a = normalized(command, fromDirect);
                    String b = normalized(command, fromProxy);
                    if (recent.size() == 10) {
                        recent.removeFirst();
                    }
                    recent.addLast("RESP" + protocol + " " + String.join(" ", command) + " -> " + a);
                    if (a.equals(b)) {
                        continue;
                    }
                    if (deliberate.covers(command, fromDirect, fromProxy)) {
                        deliberateCount++;
                        continue;
                    }
                    if (differences.isEmpty()) {
                        beforeFirst = List.copyOf(recent);
                    }
                    differences.add(new Difference(step, command, protocol, a, b));
                }
            }
        }
        return new Outcome(seed, compared, deliberateCount, differences, beforeFirst);
    }

    /**
     * The reply to {@code command}; for SCAN, the keys of a whole walk from cursor 0 to cursor 0 (the cursors are
     * each side's own, the keys met are what must agree), as one array.
     */
    private static Reply call(RespConnection connection, List<String> command) {
        String[] args = command.toArray(String[]::new);
        if (!command.get(0).equals("SCAN")) {
            return connection.call(args);
        }
        List<Reply> keys = new ArrayList<>();
        String cursor = "0";
        int rounds = 0;
        do {
            args[1] = cursor;
            Reply page = connection.call(args);
            if (page.isError()) {
                return page;
            }
            cursor = page.items().get(0).text();
            keys.addAll(page.items().get(1).items());
            if (++rounds > 100_000) {
                throw new IllegalStateException("SCAN does not end");
            }
        } while (!cursor.equals("0"));
        return new Reply('*', keys);
    }

    /** The reply as compared: typed, with unordered collections sorted and times to live reduced to a sign. */
    static String normalized(List<String> command, Reply reply) {
        String name = command.get(0).toUpperCase(java.util.Locale.ROOT);
        if ((name.equals("TTL") || name.equals("PTTL")) && reply.type() == ':' && Long.parseLong(reply.text()) > 0) {
            return ":positive";
        }
        if (UNORDERED.contains(name) && reply.value() instanceof List<?>) {
            List<Reply> items = reply.items();
            List<String> parts = new ArrayList<>();
            if (name.equals("HGETALL")) {
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    parts.add(items.get(i) + "=" + items.get(i + 1));
                }
            } else {
                items.forEach(item -> parts.add(item.toString()));
            }
            parts.sort(Comparator.naturalOrder());
            return reply.type() + "sorted" + parts;
        }
        return reply.toString();
    }
}
