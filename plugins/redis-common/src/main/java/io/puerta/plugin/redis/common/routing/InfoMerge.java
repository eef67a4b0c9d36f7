package io.puerta.plugin.redis.common.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * INFO through the proxy: one report for the whole data set, merged field by field from every server's, so that a
 * client reading one field (connected_clients, keyspace counts, rdb_changes_since_last_save) reads the whole, as
 * from one big server. Counters and sizes are summed; a state (loading, a save in progress) is the worst of the
 * servers'; a time since is the least; what describes one server (its version, its process) is the first's.
 * Per-server detail is in the proxy's own section, one line a server.
 */
final class InfoMerge {

    /** Fields of every section that describe the server, not the data: the first server's value. */
    private static final Set<String> FIRST = Set.of("maxclients", "hz", "configured_hz", "repl_backlog_size");
    /** A least value is the truth: the youngest server, the oldest save. */
    private static final Set<String> LEAST = Set.of("uptime_in_seconds", "uptime_in_days", "rdb_last_save_time");

    private InfoMerge() {}

    /**
     * @param proxy the proxy's own section's lines (without its header)
     * @param names each server's name, in the order of {@code reports}
     * @param reports each server's INFO text, or null for a server that answered with an error
     * @param errors each server's error, where its report is null
     */
    static String merge(List<String> proxy, List<String> names, List<String> reports, List<String> errors) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        List<Map<String, String>> perServer = new ArrayList<>();
        for (String report : reports) {
            Map<String, String> fields = new LinkedHashMap<>();
            perServer.add(fields);
            if (report == null) {
                continue;
            }
            String section = "";
            for (String line : report.split("\r?\n")) {
                if (line.startsWith("# ")) {
                    section = line.substring(2).trim();
                    sections.computeIfAbsent(section, s -> new LinkedHashMap<>());
                } else if (!line.isBlank()) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String key = line.substring(0, colon);
                    String value = line.substring(colon + 1);
                    fields.put(key, value);
                    sections.computeIfAbsent(section, s -> new LinkedHashMap<>())
                            .computeIfAbsent(key, k -> new ArrayList<>())
                            .add(value);
                }
            }
        }
        StringBuilder text = new StringBuilder("# Proxy\r\n");
        proxy.forEach(line -> text.append(line).append("\r\n"));
        for (int i = 0; i < names.size(); i++) {
            text.append("server").append(i).append(":name=").append(names.get(i));
            Map<String, String> fields = perServer.get(i);
            if (reports.get(i) == null) {
                text.append(",error=").append(errors.get(i).replace(',', ' '));
            }
            for (String key : List.of("role", "connected_clients", "used_memory", "db0")) {
                String value = fields.get(key);
                if (value != null) {
                    text.append(',').append(key).append('=').append(key.equals("db0") ? keysOf(value) : value);
                }
            }
            text.append("\r\n");
        }
        for (Map.Entry<String, Map<String, List<String>>> section : sections.entrySet()) {
            text.append("\r\n# ").append(section.getKey()).append("\r\n");
            Map<String, String> merged = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> field : section.getValue().entrySet()) {
                merged.put(field.getKey(), combine(section.getKey(), field.getKey(), field.getValue()));
            }
            for (Map.Entry<String, String> field : merged.entrySet()) {
                String key = field.getKey();
                String value = field.getValue();
                if (key.endsWith("_human") && merged.containsKey(key.substring(0, key.length() - 6))) {
                    value = human(merged.get(key.substring(0, key.length() - 6)), value);
                }
                text.append(key).append(':').append(value).append("\r\n");
            }
        }
        return text.toString();
    }

    private static String keysOf(String keyspace) {
        Map<String, String> pairs = pairs(keyspace);
        return pairs.getOrDefault("keys", "0");
    }

    /** One field's merged value from the servers that reported it. */
    static String combine(String section, String key, List<String> values) {
        String first = values.get(0);
        String lower = section.toLowerCase(Locale.ROOT);
        if (key.equals("redis_mode")) {
            return "standalone"; // to its clients the proxy is one plain server, as HELLO says
        }
        if (values.size() == 1 || lower.equals("server") && !LEAST.contains(key) || lower.equals("latencystats")) {
            return first;
        }
        if (lower.equals("keyspace") || lower.equals("commandstats") || lower.equals("errorstats")) {
            return sumPairs(values);
        }
        if (key.equals("role")) {
            return "master"; // to its clients the proxy is one server, which takes writes
        }
        if (FIRST.contains(key)) {
            return first;
        }
        long[] numbers = integers(values);
        if (numbers != null) {
            if (LEAST.contains(key)) {
                return Long.toString(java.util.Arrays.stream(numbers).min().orElse(0));
            }
            if (isState(key)) {
                return Long.toString(java.util.Arrays.stream(numbers).max().orElse(0));
            }
            return Long.toString(java.util.Arrays.stream(numbers).sum());
        }
        if (key.startsWith("used_cpu") || key.startsWith("instantaneous_")) {
            double sum = 0;
            try {
                for (String value : values) {
                    sum += Double.parseDouble(value);
                }
                return String.format(Locale.ROOT, key.startsWith("used_cpu") ? "%.6f" : "%.2f", sum);
            } catch (NumberFormatException e) {
                return first;
            }
        }
        if (key.endsWith("_status")) {
            for (String value : values) {
                if (!value.equals("ok")) {
                    return value; // one failed save is the news
                }
            }
        }
        return first;
    }

    /** A flag or a state, where the servers' worst (largest) value is the truth: a save in progress anywhere. */
    private static boolean isState(String key) {
        if (key.startsWith("rdb_changes")) {
            return false; // changes since each server's last save: summed, the changes a save would keep
        }
        return key.contains("in_progress")
                || key.contains("loading")
                || key.endsWith("_enabled")
                || key.contains("scheduled")
                || key.contains("running")
                || key.contains("recent_max")
                || key.contains("_time_sec")
                || key.contains("consecutive_failures")
                || key.contains("_last_")
                || key.startsWith("last_")
                || key.equals("repl_backlog_active");
    }

    private static long[] integers(List<String> values) {
        long[] numbers = new long[values.size()];
        for (int i = 0; i < numbers.length; i++) {
            try {
                numbers[i] = Long.parseLong(values.get(i));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return numbers;
    }

    /** "keys=3,expires=1,avg_ttl=0" per server: counts summed, averages weighted, per-call figures recomputed. */
    private static String sumPairs(List<String> values) {
        Map<String, Double> sums = new LinkedHashMap<>();
        double ttlWeight = 0;
        double ttlSum = 0;
        for (String value : values) {
            Map<String, String> pairs = pairs(value);
            for (Map.Entry<String, String> pair : pairs.entrySet()) {
                double number;
                try {
                    number = Double.parseDouble(pair.getValue());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pair.getKey().equals("avg_ttl")) {
                    double expires = Double.parseDouble(pairs.getOrDefault("expires", "0"));
                    ttlSum += number * expires;
                    ttlWeight += expires;
                    sums.putIfAbsent("avg_ttl", 0.0);
                } else {
                    sums.merge(pair.getKey(), number, Double::sum);
                }
            }
        }
        if (sums.containsKey("avg_ttl")) {
            sums.put("avg_ttl", ttlWeight == 0 ? 0 : Math.floor(ttlSum / ttlWeight));
        }
        if (sums.containsKey("usec_per_call")) {
            double calls = sums.getOrDefault("calls", 0.0);
            sums.put("usec_per_call", calls == 0 ? 0 : sums.getOrDefault("usec", 0.0) / calls);
        }
        StringBuilder merged = new StringBuilder();
        for (Map.Entry<String, Double> sum : sums.entrySet()) {
            if (!merged.isEmpty()) {
                merged.append(',');
            }
            double number = sum.getValue();
            merged.append(sum.getKey()).append('=');
            if (number == Math.rint(number) && !sum.getKey().equals("usec_per_call")) {
                merged.append((long) number);
            } else {
                merged.append(String.format(Locale.ROOT, "%.2f", number));
            }
        }
        return merged.toString();
    }

    private static Map<String, String> pairs(String value) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                pairs.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return pairs;
    }

    /** A size in Redis's human form (1.92M), for a field whose byte count was summed. */
    private static String human(String bytes, String fallback) {
        double n;
        try {
            n = Long.parseLong(bytes);
        } catch (NumberFormatException e) {
            return fallback;
        }
        String[] units = {"B", "K", "M", "G", "T", "P"};
        int unit = 0;
        while (n >= 1024 && unit < units.length - 1) {
            n /= 1024;
            unit++;
        }
        return unit == 0 ? (long) n + "B" : String.format(Locale.ROOT, "%.2f%s", n, units[unit]);
    }
}
