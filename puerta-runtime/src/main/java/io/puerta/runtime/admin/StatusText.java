package io.puerta.runtime.admin;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The status document as a few lines for a terminal: what {@code bin/puerta status} prints. */
final class StatusText {

    private StatusText() {}

    static String render(Map<String, Object> status) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Puerta %s, %s mode (router %s), up %s%n",
                status.get("version"),
                status.get("protocol"),
                status.get("router"),
                duration(number(status.get("uptimeSeconds")))));
        Map<String, Object> listener = map(status.get("listener"));
        out.append(String.format(
                Locale.ROOT,
                "listening on %s%s; %s clients%n",
                listener.get("address"),
                listener.get("tlsAddress") == null ? "" : " and " + listener.get("tlsAddress") + " (TLS)",
                listener.get("clients")));
        Map<String, Object> requests = map(status.get("requests"));
        Map<String, Object> latency = map(status.get("latency"));
        out.append(String.format(
                Locale.ROOT,
                "requests: %s in all, %.0f/s (1 min); latency p50 %.2f ms, p99 %.2f ms%n",
                requests.get("total"),
                number(requests.get("perSecond1m")),
                number(latency.get("p50Millis")),
                number(latency.get("p99Millis"))));
        StringBuilder errors = new StringBuilder();
        map(status.get("errors")).forEach((kind, count) -> {
            if (number(count) > 0) {
                errors.append(errors.length() == 0 ? "" : ", ")
                        .append(kind)
                        .append(' ')
                        .append(count);
            }
        });
        out.append("errors: ").append(errors.length() == 0 ? "none" : errors).append('\n');
        Map<String, Object> config = map(status.get("config"));
        Map<String, Object> reload = map(config.get("lastReload"));
        out.append("config: ")
                .append(config.get("file") == null ? "(no file)" : config.get("file"))
                .append(", generation ")
                .append(config.get("generation"));
        if (!reload.isEmpty()) {
            out.append("; last reload ")
                    .append(reload.get("outcome"))
                    .append(" (")
                    .append(reload.get("trigger"));
            List<?> problems = list(reload.get("problems"));
            out.append(problems.isEmpty() ? ")" : "): " + problems);
        }
        out.append('\n');
        Map<String, Object> routing = map(status.get("routing"));
        Object unroutable = routing.get("unroutable");
        out.append("routing: ")
                .append(routing.getOrDefault("mode", status.get("router")))
                .append(unroutable == null ? ", every request has a route" : ", NOT READY: " + unroutable)
                .append('\n');
        out.append(String.format(
                Locale.ROOT,
                "%nbackends:%n  %-24s %-10s %-8s %9s %12s  %s%n",
                "address",
                "role",
                "health",
                "in flight",
                "requests",
                "last check"));
        for (Object item : list(status.get("backends"))) {
            Map<String, Object> backend = map(item);
            Map<String, Object> check = map(backend.get("lastCheck"));
            out.append(String.format(
                    Locale.ROOT,
                    "  %-24s %-10s %-8s %9s %12s  %s%n",
                    backend.get("address"),
                    backend.get("role"),
                    backend.get("health"),
                    backend.get("inFlight"),
                    backend.get("requests"),
                    check.isEmpty()
                            ? "—"
                            : check.get("detail")
                                    + String.format(
                                            Locale.ROOT, " (%.1f ms)", number(check.get("latencyMicros")) / 1000)));
        }
        List<?> slow = list(status.get("slowlog"));
        if (!slow.isEmpty()) {
            out.append("\nslowest recent requests:\n");
            for (Object item : slow) {
                Map<String, Object> entry = map(item);
                out.append(String.format(
                        Locale.ROOT,
                        "  %s  %s (%s args)  %.1f ms  from %s%n",
                        entry.get("at"),
                        entry.get("command"),
                        entry.get("argCount"),
                        number(entry.get("micros")) / 1000,
                        entry.get("client")));
            }
        }
        return out.toString();
    }

    private static String duration(double seconds) {
        long s = (long) seconds;
        return s >= 86_400
                ? (s / 86_400) + "d " + (s % 86_400 / 3600) + "h"
                : s >= 3600
                        ? (s / 3600) + "h " + (s % 3600 / 60) + "m"
                        : s >= 60 ? (s / 60) + "m " + (s % 60) + "s" : s + "s";
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }
}
