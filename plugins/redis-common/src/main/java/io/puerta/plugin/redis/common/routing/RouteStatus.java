package io.puerta.plugin.redis.common.routing;

import io.puerta.spi.backend.Backend;
import io.puerta.spi.backend.BackendHealth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/** What slot-based routers show operators: their slots as ranges with owners, and the slots without a route. */
public final class RouteStatus {

    private static final int MAX_GAPS_NAMED = 3;

    private RouteStatus() {}

    /** Consecutive slots with the same owner as {@code {from, to, owner, health}}; a missing owner is null. */
    public static List<Map<String, Object>> ranges(int slots, IntFunction<Backend> owner) {
        List<Map<String, Object>> ranges = new ArrayList<>();
        int start = 0;
        for (int slot = 1; slot <= slots; slot++) {
            if (slot == slots || owner.apply(slot) != owner.apply(start)) {
                Backend backend = owner.apply(start);
                Map<String, Object> range = new LinkedHashMap<>();
                range.put("from", start);
                range.put("to", slot - 1);
                range.put("owner", backend == null ? null : backend.address());
                range.put("health", backend == null ? null : backend.health().name());
                ranges.add(range);
                start = slot;
            }
        }
        return ranges;
    }

    /** Null when every slot has an owner that is not down; else the first few slot ranges without one, and why. */
    public static String gap(int slots, IntFunction<Backend> owner) {
        List<String> gaps = new ArrayList<>();
        int total = 0;
        for (Map<String, Object> range : ranges(slots, owner)) {
            Object address = range.get("owner");
            boolean down = BackendHealth.DOWN.name().equals(range.get("health"));
            if (address != null && !down) {
                continue;
            }
            total++;
            if (gaps.size() < MAX_GAPS_NAMED) {
                String slotsText = range.get("from").equals(range.get("to"))
                        ? "slot " + range.get("from")
                        : "slots " + range.get("from") + "-" + range.get("to");
                gaps.add(address == null ? slotsText + " have no owner" : slotsText + ": " + address + " is down");
            }
        }
        if (gaps.isEmpty()) {
            return null;
        }
        return String.join("; ", gaps) + (total > gaps.size() ? " (and " + (total - gaps.size()) + " more)" : "");
    }

    /** A server as operators see it: {@code {address, health, ...extra}}. */
    public static Map<String, Object> server(Backend backend) {
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("address", backend.address());
        server.put("health", backend.health().name());
        return server;
    }
}
