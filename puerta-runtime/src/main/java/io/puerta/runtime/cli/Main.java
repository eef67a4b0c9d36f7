package io.puerta.runtime.cli;

import io.puerta.runtime.config.ConfigLoader;
import io.puerta.runtime.config.ConfigProblems;
import io.puerta.runtime.config.Settings;
import io.puerta.runtime.plugin.LoadedPlugins;
import io.puerta.runtime.plugin.PluginDescriptor;
import io.puerta.runtime.plugin.PluginLoadException;
import io.puerta.runtime.plugin.PluginLoader;
import io.puerta.runtime.plugin.Registered;
import io.puerta.runtime.server.Configuration;
import io.puerta.runtime.server.PuertaServer;
import io.puerta.spi.SpiVersion;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/puerta}: run the proxy, check a configuration, or list plugins. Exit codes: 0 success, 1 invalid
 * configuration or plugins, 2 wrong usage.
 */
public final class Main {

    static final String USAGE =
            """
            Usage: puerta [run] --config FILE      run the proxy
                   puerta check-config --config FILE
                                                  validate a configuration (and the plugins it selects)
                   puerta plugins [--config FILE]  list plugins and their factories
                   puerta import-twemproxy nutcracker.yml [--pool NAME]
                                                  print the equivalent Puerta configuration of each pool
                   puerta status [--config FILE | --admin HOST:PORT]
                                                  a running Puerta's state: backends, health, rates, errors
                   puerta reload [--config FILE | --admin HOST:PORT]
                                                  make a running Puerta reload its configuration file
                   puerta config push SHARED.conf --config FILE [--force]
                                                  check SHARED.conf and write it as the configuration the
                                                  fleet of FILE's config-source shares (every member applies it);
                                                  one that changes a slot table needs --force
                   puerta config show --config FILE
                                                  print the shared configuration and its revision
                   puerta fleet status --config FILE
                                                  the fleet's members, and who is behind
                   puerta fleet forget NAME --config FILE
                                                  forget a member that will not come back
                   puerta slots move SLOTS SERVER --config FILE [--timeout 10s] [--settle 200ms]
                                  [--migration-timeout 10m]
                                                  move a pikiwidb-slots range (e.g. 0-99) to SERVER across
                                                  the whole fleet: held, acknowledged by every member, migrated
                   puerta hash-password           read a password (terminal, or one line of stdin) and print
                                                  its hash for puerta.auth.users.<name>.password
                   puerta --help | --version

            Settings may also come from -Dpuerta.<path>=<value> (in JAVA_OPTS) and from the environment
            variables that the configuration names (see conf/puerta.conf).""";

    private final PrintStream out;
    private final PrintStream err;

    /** A command line writing to these streams (tests run commands through it). */
    public Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        io.puerta.runtime.transport.NettyDefaults.apply();
        int code = new Main(System.out, System.err).run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command; returns the exit code. {@code run} returns only when the proxy has stopped. */
    public int run(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = "run";
        if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
            command = rest.remove(0);
        }
        Optional<Path> config = Optional.empty();
        Optional<String> pool = Optional.empty();
        Optional<String> admin = Optional.empty();
        java.time.Duration timeout = java.time.Duration.ofSeconds(10);
        java.time.Duration migrationTimeout = java.time.Duration.ofMinutes(10);
        java.time.Duration settle = java.time.Duration.ofMillis(200);
        boolean force = false;
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            switch (arg) {
                case "-h", "--help" -> {
                    out.println(USAGE);
                    return 0;
                }
                case "--version" -> {
                    out.println("puerta " + version() + " (SPI " + SpiVersion.major() + ")");
                    return 0;
                }
                case "-c", "--config" -> {
                    if (i + 1 >= rest.size()) {
                        return usage("--config needs a file");
                    }
                    config = Optional.of(Path.of(rest.get(++i)));
                }
                case "--admin" -> {
                    if (i + 1 >= rest.size()) {
                        return usage("--admin needs HOST:PORT");
                    }
                    admin = Optional.of(rest.get(++i));
                }
                case "--force" -> force = true;
                case "--timeout", "--migration-timeout", "--settle" -> {
                    if (i + 1 >= rest.size()) {
                        return usage(arg + " needs a duration such as 10s");
                    }
                    java.time.Duration value;
                    try {
                        value = com.typesafe.config.ConfigFactory.parseString("d = " + rest.get(++i))
                                .getDuration("d");
                    } catch (com.typesafe.config.ConfigException e) {
                        return usage(arg + ": expected a duration such as 10s or 5m but got '" + rest.get(i) + "'");
                    }
                    switch (arg) {
                        case "--timeout" -> timeout = value;
                        case "--settle" -> settle = value;
                        default -> migrationTimeout = value;
                    }
                }
                case "--pool" -> {
                    if (i + 1 >= rest.size()) {
                        return usage("--pool needs a pool name");
                    }
                    pool = Optional.of(rest.get(++i));
                }
                default -> {
                    if (arg.startsWith("-")
                            || !List.of("import-twemproxy", "config", "fleet", "slots")
                                    .contains(command)) {
                        return usage("unknown argument: " + arg);
                    }
                    positional.add(arg);
                }
            }
        }
        try {
            return switch (command) {
                case "run" -> config.isEmpty() ? usage("run needs --config FILE") : serve(config);
                case "check-config" -> config.isEmpty() ? usage("check-config needs --config FILE") : check(config);
                case "plugins" -> plugins(config);
                case "import-twemproxy" -> positional.size() != 1
                        ? usage("import-twemproxy needs one nutcracker.yml")
                        : importTwemproxy(Path.of(positional.get(0)), pool);
                case "hash-password" -> hashPassword();
                case "config", "fleet", "slots" -> fleet(
                        command, positional, config, new FleetOptions(timeout, settle, migrationTimeout, force));
                case "status" -> new AdminCall(out, err).status(adminOf(config, admin));
                case "reload" -> new AdminCall(out, err).reload(adminOf(config, admin));
                case "help" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> usage("unknown command: " + command);
            };
        } catch (ConfigProblems | PluginLoadException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private int serve(Optional<Path> config) {
        Configuration configuration = Configuration.load(ConfigLoader.forFile(config), home());
        PuertaServer server;
        try {
            server = PuertaServer.start(configuration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (ConfigProblems e) {
            throw e;
        } catch (RuntimeException e) {
            err.println("cannot start Puerta: " + e.getMessage());
            return 1;
        }
        onHangup(() -> server.reload("SIGHUP"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "puerta-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private int check(Optional<Path> config) {
        try (Configuration configuration = Configuration.load(ConfigLoader.forFile(config), home())) {
            PuertaServer.checkPlugins(configuration);
            out.println(
                    config.get() + ": OK (router '" + configuration.settings().router() + "', "
                            + configuration.settings().backends().size() + " backend(s), plugins from "
                            + configuration.settings().pluginsDir()
                            + configuration
                                    .shared()
                                    .map(s -> ", shared through " + s.describe() + " at revision "
                                            + configuration.sharedRevision())
                                    .orElse("")
                            + ")");
            return 0;
        }
    }

    private int plugins(Optional<Path> config) {
        ConfigLoader loader = ConfigLoader.forFile(config);
        var problems = new io.puerta.runtime.config.ProblemCollector();
        Path dir = new io.puerta.runtime.config.SettingsReader(loader.withoutPlugins(), problems)
                .read(home())
                .pluginsDir();
        LoadedPlugins plugins = new PluginLoader().load(dir);
        out.println("plugins directory: " + dir);
        for (PluginDescriptor plugin : plugins.plugins()) {
            out.println();
            out.println(plugin.name() + "  (" + plugin.location() + ")");
            print("router", plugins.routers(), plugin);
            print("client-identifier", plugins.clientIdentifiers(), plugin);
            print("health-checker", plugins.healthCheckers(), plugin);
            print("config-source", plugins.configSources(), plugin);
        }
        return 0;
    }

    private int importTwemproxy(Path file, Optional<String> only) {
        String yaml;
        try {
            yaml = java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        List<TwemproxyImport.Pool> pools = TwemproxyImport.translate(yaml, file.toString());
        if (only.isPresent()) {
            pools = pools.stream().filter(p -> p.name().equals(only.get())).toList();
            if (pools.isEmpty()) {
                err.println(file + ": no pool named '" + only.get() + "'");
                return 1;
            }
        }
        int code = 0;
        boolean first = true;
        for (TwemproxyImport.Pool pool : pools) {
            if (!pool.problems().isEmpty()) {
                pool.problems().forEach(problem -> err.println("cannot import " + problem));
                code = 1;
                continue;
            }
            if (!first) {
                out.println();
            }
            first = false;
            out.print(pool.config());
        }
        return code;
    }

    private int fleet(String command, List<String> positional, Optional<Path> config, FleetOptions options) {
        String sub = positional.isEmpty() ? "" : positional.get(0);
        String what = command + " " + sub;
        if (config.isEmpty()) {
            return usage(what.trim() + " needs --config FILE (an instance's file, naming its config-source)");
        }
        FleetCommands fleet = new FleetCommands(out, err, config.get(), home());
        return switch (what) {
            case "config push" -> positional.size() != 2
                    ? usage("config push needs one file: puerta config push SHARED.conf --config FILE")
                    : fleet.push(Path.of(positional.get(1)), options.force());
            case "config show" -> positional.size() != 1 ? usage("config show takes no file") : fleet.show();
            case "fleet status" -> positional.size() != 1 ? usage("fleet status takes no file") : fleet.status();
            case "fleet forget" -> positional.size() != 2
                    ? usage("fleet forget needs one member name")
                    : fleet.forget(positional.get(1));
            case "slots move" -> positional.size() != 3
                    ? usage("slots move needs SLOTS and SERVER: puerta slots move 0-99 10.0.0.7:6379 --config FILE")
                    : new SlotMove(out, err, config.get(), home())
                            .move(
                                    positional.get(1),
                                    positional.get(2),
                                    options.timeout(),
                                    options.settle(),
                                    options.migrationTimeout());
            default -> usage("unknown command: " + what.trim()
                    + " (config push, config show, fleet status, fleet forget, slots move)");
        };
    }

    /** The options of the fleet's commands. */
    private record FleetOptions(
            java.time.Duration timeout,
            java.time.Duration settle,
            java.time.Duration migrationTimeout,
            boolean force) {}

    private <T> void print(String kind, Map<String, Registered<T>> factories, PluginDescriptor plugin) {
        for (Registered<T> registered : factories.values()) {
            if (registered.plugin() == plugin) {
                String protocol = registered.factory() instanceof io.puerta.spi.routing.RouterFactory router
                        ? "  [" + router.protocol().name().toLowerCase(java.util.Locale.ROOT) + "]"
                        : "";
                out.println("  " + kind + ": " + registered.name() + protocol);
            }
        }
    }

    /**
     * Where a running Puerta's admin listener is: {@code --admin HOST:PORT}, else the {@code admin} settings of
     * {@code --config FILE}, else the distribution's default, 127.0.0.1:9180. The token comes from the file or
     * {@code PUERTA_ADMIN_TOKEN}.
     */
    private AdminCall.Target adminOf(Optional<Path> config, Optional<String> admin) {
        String token = System.getenv().getOrDefault("PUERTA_ADMIN_TOKEN", "");
        String host = "127.0.0.1";
        int port = 9180;
        if (config.isPresent()) {
            // the file's own settings: the admin listener is never shared, so no source is asked
            Settings.Admin settings = new io.puerta.runtime.config.SettingsReader(
                            ConfigLoader.forFile(config).withoutPlugins(),
                            new io.puerta.runtime.config.ProblemCollector())
                    .read(home())
                    .admin();
            host = settings.host().equals("0.0.0.0") || settings.host().equals("::") ? "127.0.0.1" : settings.host();
            if (settings.port() > 0) {
                port = settings.port();
            }
            token = settings.token().isEmpty() ? token : settings.token();
        }
        if (admin.isPresent()) {
            String address = admin.get();
            int colon = address.lastIndexOf(':');
            host = colon > 0 ? address.substring(0, colon) : address;
            try {
                port = colon > 0 ? Integer.parseInt(address.substring(colon + 1)) : port;
            } catch (NumberFormatException e) {
                throw new ConfigProblems("--admin", List.of("--admin: expected HOST:PORT but got '" + address + "'"));
            }
        }
        return new AdminCall.Target(host, port, token);
    }

    /**
     * Prints the hash of a password read from the terminal (not echoed) or, without one, from the first line of
     * standard input, so that a config file never needs to hold the password itself.
     */
    private int hashPassword() {
        String password;
        java.io.Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("Password: ");
            password = typed == null ? "" : new String(typed);
        } else {
            try {
                java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
                String line = in.readLine();
                password = line == null ? "" : line;
            } catch (java.io.IOException e) {
                err.println("puerta: cannot read the password: " + e.getMessage());
                return 2;
            }
        }
        if (password.isEmpty()) {
            return usage("hash-password needs a password (typed, or as the first line of standard input)");
        }
        out.println(io.puerta.runtime.access.PasswordHash.of(
                        password, io.puerta.runtime.access.PasswordHash.DEFAULT_ITERATIONS)
                .encoded());
        return 0;
    }

    private static final String RELOAD_OTHERWISE =
            "reload with 'puerta reload', through the admin listener, or by editing the file";

    /**
     * {@code kill -HUP}: reload the configuration, as daemons do. Where the JVM offers no signals, nothing. A JVM
     * started with SIGHUP ignored ({@code nohup}) installs no handler for it and does not say so: then we do.
     */
    private void onHangup(Runnable action) {
        try {
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                err.println("puerta: SIGHUP was ignored when Puerta started (nohup?), so kill -HUP will not reload; "
                        + RELOAD_OTHERWISE);
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            err.println("puerta: SIGHUP is not available here (" + e.getMessage() + "); " + RELOAD_OTHERWISE);
        }
    }

    private int usage(String problem) {
        err.println("puerta: " + problem);
        err.println(USAGE);
        return 2;
    }

    private static Optional<Path> home() {
        return Optional.ofNullable(System.getProperty("puerta.home")).map(Path::of);
    }

    private static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
