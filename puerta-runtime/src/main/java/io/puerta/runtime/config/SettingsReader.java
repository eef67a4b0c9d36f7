package io.puerta.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import io.puerta.runtime.access.CommandRules;
import io.puerta.runtime.access.KeyPattern;
import io.puerta.runtime.access.PasswordHash;
import io.puerta.runtime.access.User;
import io.puerta.runtime.access.Users;
import io.puerta.runtime.transport.Cidr;
import io.puerta.spi.backend.BackendRole;
import io.puerta.spi.backend.Credentials;
import io.puerta.spi.request.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads {@link Settings} from the effective configuration, recording every problem instead of stopping at one. */
public final class SettingsReader {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SettingsReader.class);

    private final Config config;
    private final ProblemCollector problems;

    public SettingsReader(Config config, ProblemCollector problems) {
        this.config = config;
        this.problems = problems;
    }

    public Settings read(Optional<Path> home) {
        Protocol protocol = readProtocol();
        Settings.Listen listen = new Settings.Listen(
                string("puerta.listen.host"),
                port("puerta.listen.port"),
                positive("puerta.listen.backlog"),
                allowList(),
                positive("puerta.listen.max-clients"),
                nonNegative("puerta.listen.max-clients-per-source"),
                nonNegativeDuration("puerta.listen.idle-timeout"),
                tls());
        Settings.HealthCheck healthCheck = new Settings.HealthCheck(
                string("puerta.health-check.checker"),
                positiveDuration("puerta.health-check.interval"),
                positiveDuration("puerta.health-check.timeout"),
                positive("puerta.health-check.rise"),
                positive("puerta.health-check.fall"),
                positive("puerta.health-check.threads"));
        Settings.BackendOptions backend = new Settings.BackendOptions(
                nonNegative("puerta.backend.connections-per-backend"),
                positiveDuration("puerta.backend.connect-timeout"),
                positiveDuration("puerta.backend.request-timeout"),
                positiveDuration("puerta.backend.reconnect-backoff"),
                positive("puerta.backend.max-queued-while-connecting"),
                poolCredentials());
        Settings.Pipeline pipeline = new Settings.Pipeline(
                ringSize(), waitStrategy(), positive("puerta.pipeline.max-batch"), pipelineMode());
        Settings.Netty netty = new Settings.Netty(
                nonNegative("puerta.netty.io-threads"),
                nonNegative("puerta.netty.backend-threads"),
                problems.read(() -> config.getBoolean("puerta.netty.native-transport"), false));
        Settings.Limits limits = new Settings.Limits(
                positive("puerta.limits.max-array-length"),
                bytes("puerta.limits.max-bulk-bytes"),
                bytes("puerta.limits.max-inline-bytes"),
                bytes("puerta.limits.max-request-bytes"),
                bytes("puerta.limits.max-mongo-message-bytes"),
                positive("puerta.limits.pause-reading-at"),
                positive("puerta.limits.max-pending-per-client"),
                bytes("puerta.limits.client-output-buffer-bytes"),
                positive("puerta.limits.max-dedicated-connections"));
        if (limits.pauseReadingAt() > limits.maxPendingPerClient()) {
            problems.add("puerta.limits.pause-reading-at: must not exceed puerta.limits.max-pending-per-client ("
                    + limits.pauseReadingAt() + " > " + limits.maxPendingPerClient() + ")");
        }
        Settings.Mongo mongo = new Settings.Mongo(
                string("puerta.mongo.username"), string("puerta.mongo.password"), string("puerta.mongo.auth-source"));
        if (!mongo.username().isEmpty() && mongo.password().isEmpty()) {
            problems.add("puerta.mongo.password: required with puerta.mongo.username");
        }
        Users users = users();
        Settings.Admin admin = admin();
        return new Settings(
                protocol,
                listen,
                string("puerta.router"),
                string("puerta.client-identifier"),
                healthCheck,
                backends(),
                backend,
                backendTls(),
                pipeline,
                netty,
                limits,
                mongo,
                users,
                admin,
                new Settings.SlowLogSettings(
                        nonNegativeDuration("puerta.slowlog.threshold"), nonNegative("puerta.slowlog.max-entries")),
                pluginsDir(home),
                nonNegativeDuration("puerta.reload.check-interval"),
                positiveDuration("puerta.shutdown-timeout"),
                config);
    }

    private PipelineMode pipelineMode() {
        String mode = string("puerta.pipeline.mode");
        return PipelineMode.byName(mode).orElseGet(() -> {
            problems.add("puerta.pipeline.mode: expected one of " + PipelineMode.choices() + " but got '" + mode + "'");
            return PipelineMode.RING_PER_LOOP;
        });
    }

    private Protocol readProtocol() {
        String name = string("puerta.protocol");
        return switch (name) {
            case "resp" -> Protocol.RESP;
            case "mongo" -> Protocol.MONGO;
            default -> {
                problems.add("puerta.protocol: expected one of resp, mongo but got '" + name + "'");
                yield Protocol.RESP;
            }
        };
    }

    private List<BackendSpec> backends() {
        List<? extends ConfigObject> entries = problems.read(() -> config.getObjectList("puerta.backends"), List.of());
        List<BackendSpec> specs = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String path = "puerta.backends[" + i + "]";
            Config entry = entries.get(i).toConfig();
            try {
                specs.add(backend(path, entry));
            } catch (ConfigException e) {
                problems.add(path + ": " + ProblemCollector.describe(e));
            } catch (IllegalArgumentException e) {
                problems.add(path + ": " + e.getMessage());
            }
        }
        return specs;
    }

    /** The TLS listener, or null when {@code listen.tls.port} is -1. */
    private Settings.Tls tls() {
        String path = "puerta.listen.tls.";
        int port = problems.read(() -> config.getInt(path + "port"), -1);
        if (port == -1) {
            if (problems.read(() -> config.getBoolean(path + "only"), false)) {
                problems.add(path + "only: true needs a TLS listener (" + path + "port)");
            }
            return null;
        }
        if (port < 0 || port > 65535) {
            problems.add(path + "port: " + port + " (expected: -1 for none, or 0..65535)");
        }
        Path cert = requiredFile(path + "cert-file");
        Path key = requiredFile(path + "key-file");
        String clientAuth = string(path + "client-auth");
        if (!List.of("none", "optional", "require").contains(clientAuth)) {
            problems.add(path + "client-auth: expected none, optional or require but got '" + clientAuth + "'");
        }
        String ca = string(path + "ca-file");
        Path caFile = ca.isEmpty() ? null : readable(path + "ca-file", Path.of(ca));
        if (caFile == null && !clientAuth.equals("none")) {
            problems.add(path + "ca-file: required with client-auth = " + clientAuth
                    + " (the CAs client certificates must chain to)");
        }
        return new Settings.Tls(
                port,
                problems.read(() -> config.getBoolean(path + "only"), false),
                cert,
                key,
                caFile,
                clientAuth,
                problems.read(() -> config.getStringList(path + "protocols"), List.of()),
                problems.read(() -> config.getStringList(path + "ciphers"), List.of()),
                nonNegativeDuration(path + "reload-check-interval"));
    }

    /** TLS to the backends, or null when backend.tls.enabled is false. */
    private Settings.BackendTls backendTls() {
        String path = "puerta.backend.tls.";
        if (!problems.read(() -> config.getBoolean(path + "enabled"), false)) {
            return null;
        }
        String ca = string(path + "ca-file");
        String cert = string(path + "cert-file");
        String key = string(path + "key-file");
        if (cert.isEmpty() != key.isEmpty()) {
            problems.add(path + "cert-file and key-file: give both (a client certificate and its key) or neither");
        }
        return new Settings.BackendTls(
                ca.isEmpty() ? null : readable(path + "ca-file", Path.of(ca)),
                cert.isEmpty() ? null : readable(path + "cert-file", Path.of(cert)),
                key.isEmpty() ? null : readable(path + "key-file", Path.of(key)),
                problems.read(() -> config.getStringList(path + "protocols"), List.of()),
                problems.read(() -> config.getBoolean(path + "verify-hostname"), true));
    }

    private Path requiredFile(String path) {
        String file = string(path);
        if (file.isEmpty()) {
            problems.add(path + ": required for a TLS listener");
            return null;
        }
        return readable(path, Path.of(file));
    }

    private Path readable(String path, Path file) {
        if (!java.nio.file.Files.isReadable(file)) {
            problems.add(path + ": cannot read " + file);
        }
        return file;
    }

    private List<Cidr> allowList() {
        List<String> entries = problems.read(() -> config.getStringList("puerta.listen.allow"), List.of());
        List<Cidr> allow = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                allow.add(Cidr.parse(entries.get(i)));
            } catch (IllegalArgumentException e) {
                problems.add("puerta.listen.allow[" + i + "]: " + e.getMessage());
            }
        }
        return allow;
    }

    private Settings.Admin admin() {
        int port = problems.read(() -> config.getInt("puerta.admin.port"), -1);
        if (port < -1 || port > 65535) {
            problems.add("puerta.admin.port: " + port + " (expected: -1 for none, 0 for a free port, or 1-65535)");
        }
        String token = "";
        try {
            token = secret("puerta.admin", config.getConfig("puerta.admin"), "token", "token-file");
        } catch (ConfigException e) {
            problems.add(ProblemCollector.describe(e));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        boolean tls = problems.read(() -> config.getBoolean("puerta.admin.tls"), false);
        if (tls && !config.hasPath("puerta.listen.tls.cert-file")
                || tls && config.getString("puerta.listen.tls.cert-file").isEmpty()) {
            problems.add("puerta.admin.tls: the admin listener speaks TLS with the client listener's certificate;"
                    + " set puerta.listen.tls.cert-file and key-file");
        }
        return new Settings.Admin(string("puerta.admin.host"), port, token, tls);
    }

    /** {@code puerta.auth}: the proxy's users (none: no login asked), with their rights. */
    private Users users() {
        Map<String, User> users = new LinkedHashMap<>();
        ConfigObject defined = problems.read(() -> config.getObject("puerta.auth.users"), null);
        if (defined != null) {
            for (String name : defined.keySet()) {
                String path = ConfigUtil.joinPath("puerta", "auth", "users", name);
                try {
                    users.put(name, user(name, path, config.getConfig(path)));
                } catch (ConfigException e) {
                    problems.add(ProblemCollector.describe(e));
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return new Users(
                users,
                nonNegative("puerta.auth.failures-before-delay"),
                nonNegativeDuration("puerta.auth.max-failure-delay"));
    }

    private static User user(String name, String path, Config entry) {
        for (String key : entry.root().keySet()) {
            if (!List.of("password", "password-file", "read-only", "keys", "commands")
                    .contains(key)) {
                throw new IllegalArgumentException(path + ": unknown key '" + key
                        + "' (expected: password, password-file, read-only, keys, commands)");
            }
        }
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ':')) {
            throw new IllegalArgumentException(path + ": a user name must not be empty or hold spaces or ':'");
        }
        String secret = secret(path, entry);
        if (secret.isEmpty()) {
            throw new IllegalArgumentException(
                    path + ": set password (a hash from bin/puerta hash-password) or" + " password-file");
        }
        PasswordHash hash;
        if (PasswordHash.looksLikeHash(secret)) {
            try {
                hash = PasswordHash.parse(secret);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ".password: not a usable hash: " + e.getMessage());
            }
        } else {
            log.warn("{}.password is plain text: store its hash instead (bin/puerta hash-password prints one)", path);
            hash = PasswordHash.of(secret, PasswordHash.DEFAULT_ITERATIONS);
        }
        List<KeyPattern> keys = new ArrayList<>();
        for (String pattern : entry.hasPath("keys") ? entry.getStringList("keys") : List.of("*")) {
            try {
                keys.add(KeyPattern.of(pattern));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ".keys: " + e.getMessage());
            }
        }
        CommandRules commands;
        try {
            commands =
                    CommandRules.parse(entry.hasPath("commands") ? entry.getStringList("commands") : List.of("+@all"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ".commands: " + e.getMessage());
        }
        boolean readOnly = entry.hasPath("read-only") && entry.getBoolean("read-only");
        return new User(name, hash, readOnly, keys, commands);
    }

    /** A secret given as {@code password} or {@code password-file} (its content, trimmed); "" for none. */
    private static String secret(String path, Config entry) {
        return secret(path, entry, "password", "password-file");
    }

    /** A secret given as {@code valueKey} or {@code fileKey} (the file's content, trimmed); "" for none. */
    private static String secret(String path, Config entry, String valueKey, String fileKey) {
        String value = entry.hasPath(valueKey) ? entry.getString(valueKey) : "";
        String file = entry.hasPath(fileKey) ? entry.getString(fileKey) : "";
        if (!value.isEmpty() && !file.isEmpty()) {
            throw new IllegalArgumentException(path + ": set " + valueKey + " or " + fileKey + ", not both");
        }
        if (file.isEmpty()) {
            return value;
        }
        try {
            value = java.nio.file.Files.readString(Path.of(file)).strip();
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException(path + "." + fileKey + ": cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException(path + "." + fileKey + ": " + file + " is empty");
        }
        return value;
    }

    private Credentials poolCredentials() {
        try {
            return credentials("puerta.backend.auth", config.getConfig("puerta.backend.auth"));
        } catch (ConfigException e) {
            problems.add(ProblemCollector.describe(e));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return null;
    }

    /**
     * A login from an {@code auth} block: a password (or a file holding it) and optionally a user; null when none is
     * set. Messages name the setting and never the secret.
     */
    static Credentials credentials(String path, Config auth) {
        for (String key : auth.root().keySet()) {
            if (!List.of("username", "password", "password-file").contains(key)) {
                throw new IllegalArgumentException(
                        path + ": unknown key '" + key + "' (expected: username, password, password-file)");
            }
        }
        String username = auth.hasPath("username") ? auth.getString("username") : "";
        String password = secret(path, auth);
        if (password.isEmpty()) {
            if (!username.isEmpty()) {
                throw new IllegalArgumentException(path + ".username: user '" + username + "' needs a password");
            }
            return null;
        }
        return username.isEmpty() ? Credentials.password(password) : Credentials.user(username, password);
    }

    private static BackendSpec backend(String path, Config entry) {
        for (String key : entry.root().keySet()) {
            if (!List.of("address", "name", "weight", "role", "auth").contains(key)) {
                throw new IllegalArgumentException(
                        "unknown key '" + key + "' (expected: address, name, weight, role, auth)");
            }
        }
        String address = entry.getString("address");
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("address: expected host:port but got '" + address + "'");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address: port is not a number in '" + address + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("address: port " + port + " (expected: 1..65535)");
        }
        int weight = entry.hasPath("weight") ? entry.getInt("weight") : 1;
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
        }
        String name = entry.hasPath("name") ? entry.getString("name") : host + ":" + port;
        BackendRole role = BackendRole.STANDALONE;
        if (entry.hasPath("role")) {
            String roleName = entry.getString("role");
            try {
                role = BackendRole.valueOf(roleName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "role: expected one of standalone, master, replica, mongos but got '" + roleName + "'");
            }
        }
        Credentials credentials = entry.hasPath("auth") ? credentials(path + ".auth", entry.getConfig("auth")) : null;
        return new BackendSpec(name, host, port, weight, role, credentials);
    }

    private int ringSize() {
        int size = positive("puerta.pipeline.ring-size");
        if (Integer.bitCount(size) != 1) {
            problems.add("puerta.pipeline.ring-size: " + size + " (expected: a power of two)");
            return 1024;
        }
        return size;
    }

    private WaitStrategyName waitStrategy() {
        String name = string("puerta.pipeline.wait-strategy");
        Optional<WaitStrategyName> strategy = WaitStrategyName.fromConfigName(name);
        if (strategy.isEmpty()) {
            problems.add("puerta.pipeline.wait-strategy: expected one of " + WaitStrategyName.choices() + " but got '"
                    + name + "'");
            return WaitStrategyName.SIGNAL_WHEN_ASLEEP;
        }
        return strategy.get();
    }

    private Path pluginsDir(Optional<Path> home) {
        Path dir = Path.of(string("puerta.plugins.dir"));
        if (dir.isAbsolute() || home.isEmpty()) {
            return dir.toAbsolutePath().normalize();
        }
        return home.get().resolve(dir).toAbsolutePath().normalize();
    }

    private String string(String path) {
        return problems.read(() -> config.getString(path), "");
    }

    private int port(String path) {
        int port = problems.read(() -> config.getInt(path), 1);
        if (port < 0 || port > 65535) {
            problems.add(path + ": " + port + " (expected: 0..65535, 0 picks a free port)");
        }
        return port;
    }

    private int positive(String path) {
        int value = problems.read(() -> config.getInt(path), 1);
        if (value < 1) {
            problems.add(path + ": " + value + " (expected: >= 1)");
            return 1;
        }
        return value;
    }

    private int nonNegative(String path) {
        int value = problems.read(() -> config.getInt(path), 0);
        if (value < 0) {
            problems.add(path + ": " + value + " (expected: >= 0)");
            return 0;
        }
        return value;
    }

    private int bytes(String path) {
        long value = problems.read(() -> config.getBytes(path), 1L);
        if (value < 1 || value > Integer.MAX_VALUE - 1024) {
            problems.add(path + ": " + value + " bytes (expected: 1 .. " + (Integer.MAX_VALUE - 1024) + ")");
            return 1;
        }
        return (int) value;
    }

    private Duration nonNegativeDuration(String path) {
        Duration value = problems.read(() -> config.getDuration(path), Duration.ZERO);
        if (value.isNegative()) {
            problems.add(path + ": " + value + " (expected: 0s or a positive duration)");
            return Duration.ZERO;
        }
        return value;
    }

    private Duration positiveDuration(String path) {
        Duration value = problems.read(() -> config.getDuration(path), Duration.ofSeconds(1));
        if (value.isNegative() || value.isZero()) {
            problems.add(path + ": " + value + " (expected: a positive duration such as 500ms or 2s)");
            return Duration.ofSeconds(1);
        }
        return value;
    }
}
