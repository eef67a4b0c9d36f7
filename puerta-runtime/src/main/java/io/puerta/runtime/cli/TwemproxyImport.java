package io.puerta.runtime.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Translates a twemproxy (nutcracker) configuration into Puerta configurations, one per pool, for the
 * {@code pikiwidb-ring} router: the same servers, names, weights, hash, distribution and hash tag, so that every key
 * stays where it is. What has no equivalent is said in a comment or, when it would change behaviour, refused.
 */
final class TwemproxyImport {

    private static final Set<String> HASHES = Set.of(
            "one_at_a_time",
            "md5",
            "crc32",
            "crc32a",
            "fnv1_64",
            "fnv1a_64",
            "fnv1_32",
            "fnv1a_32",
            "jenkins",
            "murmur");
    private static final Set<String> DISTRIBUTIONS = Set.of("ketama", "modula", "random");

    /** A translated pool, or the reasons it cannot be translated. */
    record Pool(String name, String config, List<String> problems) {}

    private TwemproxyImport() {}

    static List<Pool> translate(String yamlText, String source) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
        } catch (YAMLException e) {
            return List.of(new Pool("?", "", List.of(source + ": not valid YAML: " + e.getMessage())));
        }
        if (!(document instanceof Map<?, ?> pools) || pools.isEmpty()) {
            return List.of(new Pool("?", "", List.of(source + ": expected a map of pools")));
        }
        List<Pool> result = new ArrayList<>();
        for (Map.Entry<?, ?> entry : pools.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (!(entry.getValue() instanceof Map<?, ?> settings)) {
                result.add(new Pool(name, "", List.of("pool '" + name + "': expected a map of settings")));
                continue;
            }
            result.add(pool(name, settings, source));
        }
        return result;
    }

    private static Pool pool(String name, Map<?, ?> settings, String source) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, Object> s = new LinkedHashMap<>();
        settings.forEach((k, v) -> s.put(String.valueOf(k), v));
        String where = "pool '" + name + "': ";

        if (!Boolean.TRUE.equals(s.get("redis"))) {
            problems.add(
                    where + "a memcached pool (redis: true is not set); Puerta proxies Redis-protocol servers only");
        }
        String listen = string(s.get("listen"));
        String host = "127.0.0.1";
        int port = 0;
        if (listen == null || listen.startsWith("/")) {
            problems.add(where + "listen: expected host:port (unix sockets are not supported) but got " + listen);
        } else {
            int colon = listen.lastIndexOf(':');
            host = colon > 0 ? listen.substring(0, colon) : listen;
            port = colon > 0 ? parseInt(listen.substring(colon + 1), where + "listen port", problems) : 0;
        }
        String hash = string(s.getOrDefault("hash", "fnv1a_64"));
        if (!HASHES.contains(hash)) {
            problems.add(where + "hash: " + hash + " is not supported (supported: "
                    + String.join(", ", new java.util.TreeSet<>(HASHES)) + ")");
        }
        String distribution = string(s.getOrDefault("distribution", "ketama"));
        if (!DISTRIBUTIONS.contains(distribution)) {
            problems.add(
                    where + "distribution: " + distribution + " is not supported (supported: ketama, modula, random)");
        }
        String hashTag = string(s.getOrDefault("hash_tag", ""));
        boolean autoEject = Boolean.TRUE.equals(s.get("auto_eject_hosts"));
        List<String> servers = new ArrayList<>();
        Object list = s.get("servers");
        if (!(list instanceof List<?> entries) || entries.isEmpty()) {
            problems.add(where + "servers: expected a list of \"host:port:weight [name]\"");
        } else {
            for (Object server : entries) {
                String line = server(string(server), where, problems);
                if (line != null) {
                    servers.add(line);
                }
            }
        }
        String auth = string(s.get("redis_auth"));
        if (auth != null && !auth.isEmpty()) {
            notes.add("redis_auth: the servers' password is backend.auth.password below (better kept in the"
                    + " PUERTA_BACKEND_PASSWORD environment variable or a password-file); nutcracker also asked clients"
                    + " for it, which this import does not set up");
        }
        Object db = s.get("redis_db");
        if (db != null && !"0".equals(String.valueOf(db))) {
            problems.add(where + "redis_db: only database 0 is supported, got " + db);
        }
        for (String ignored : List.of("preconnect", "client_connections", "tcpkeepalive", "reuseport")) {
            if (s.containsKey(ignored)) {
                notes.add(ignored + ": " + s.get(ignored) + " has no Puerta setting (connections are opened on demand,"
                        + " keep-alive is always on); left out");
            }
        }

        StringBuilder c = new StringBuilder();
        c.append("# Imported from ")
                .append(source)
                .append(", pool '")
                .append(name)
                .append("'.\n");
        c.append("# Keys stay on the servers they are on under nutcracker: same servers, names, weights, hash,\n");
        c.append("# distribution and hash tag. Run it with: bin/puerta --config <this file>\n");
        for (String note : notes) {
            c.append("# note: ").append(note).append('\n');
        }
        c.append("puerta {\n");
        c.append("  listen { host = \"").append(host).append("\", port = ").append(port);
        if (s.containsKey("backlog")) {
            c.append(", backlog = ").append(parseInt(string(s.get("backlog")), where + "backlog", problems));
        }
        c.append(" }\n");
        c.append("  router = \"pikiwidb-ring\"\n");
        c.append("  pikiwidb {\n");
        c.append("    distribution = \"").append(distribution).append("\"\n");
        c.append("    hash = \"").append(hash).append("\"\n");
        c.append("    hash-tag = \"")
                .append(hashTag.replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\"\n");
        c.append("    auto-eject-hosts = ").append(autoEject).append('\n');
        c.append("  }\n");
        // twemproxy counts failed requests; Puerta counts failed health checks, probing as often as twemproxy
        // would retry, so a server is ejected after as many failures and tried again after as long.
        c.append("  health-check {\n");
        c.append("    checker = \"redis-ping\"\n");
        c.append("    fall = ")
                .append(parseInt(
                        string(s.getOrDefault("server_failure_limit", 2)), where + "server_failure_limit", problems))
                .append('\n');
        long retry = parseInt(
                string(s.getOrDefault("server_retry_timeout", 30000)), where + "server_retry_timeout", problems);
        c.append("    interval = ")
                .append(Math.max(100, Math.min(retry, 30000)))
                .append("ms\n");
        c.append("    rise = 1\n");
        c.append("  }\n");
        c.append("  backend {\n");
        c.append("    connections-per-backend = ")
                .append(parseInt(
                        string(s.getOrDefault("server_connections", 1)), where + "server_connections", problems))
                .append('\n');
        if (s.containsKey("timeout")) {
            c.append("    request-timeout = ")
                    .append(parseInt(string(s.get("timeout")), where + "timeout", problems))
                    .append("ms\n");
        }
        if (auth != null && !auth.isEmpty()) {
            // rendered as a quoted HOCON string, whatever characters the password holds
            c.append("    auth { password = ")
                    .append(com.typesafe.config.ConfigValueFactory.fromAnyRef(auth)
                            .render(com.typesafe.config.ConfigRenderOptions.concise()))
                    .append(" }\n");
        }
        c.append("  }\n");
        c.append("  backends = [\n");
        for (String server : servers) {
            c.append("    ").append(server).append('\n');
        }
        c.append("  ]\n");
        c.append("}\n");
        return new Pool(name, c.toString(), problems);
    }

    /** "host:port:weight [name]" as a Puerta backend entry, or null with a problem. */
    private static String server(String spec, String where, List<String> problems) {
        if (spec == null || spec.isBlank()) {
            problems.add(where + "an empty server entry");
            return null;
        }
        String address = spec.trim();
        String name = null;
        int space = address.indexOf(' ');
        if (space > 0) {
            name = address.substring(space + 1).trim();
            address = address.substring(0, space);
        }
        if (address.startsWith("/")) {
            problems.add(where + "server " + spec + ": unix sockets are not supported");
            return null;
        }
        String[] parts = address.split(":");
        if (parts.length != 3) {
            problems.add(where + "server " + spec + ": expected host:port:weight [name]");
            return null;
        }
        int weight = parseInt(parts[2], where + "server " + spec + " weight", problems);
        StringBuilder entry = new StringBuilder("{ address = \"")
                .append(parts[0])
                .append(':')
                .append(parts[1])
                .append("\", weight = ")
                .append(weight);
        if (name != null) {
            entry.append(", name = \"").append(name).append('"');
        }
        return entry.append(" }").toString();
    }

    private static String string(Object value) {
        return value == null ? null : String.valueOf(value).trim();
    }

    private static int parseInt(String text, String what, List<String> problems) {
        try {
            return Integer.parseInt(text.toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) {
            problems.add(what + ": expected a number but got " + text);
            return 0;
        }
    }
}
