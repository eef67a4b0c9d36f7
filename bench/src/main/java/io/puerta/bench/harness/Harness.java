package io.puerta.bench.harness;

import io.puerta.runtime.testing.FreePorts;
import io.puerta.runtime.testing.RedisServerProcess;
import io.puerta.runtime.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end benchmark: real backends on loopback (3 standalone redis-servers, a 3-master Redis Cluster, 3
 * MongoDB wire servers in a process of their own), twemproxy over the standalone servers, a minimal Netty relay (the
 * floor of a Java proxy here), and Puerta in each mode as a user runs it (bin/puerta, its own JVM); redis-benchmark
 * against each, interleaved over several rounds, with 50 clients and with one; medians of throughput, p99 and mean
 * latency, ratios, the proxies' CPU time per request, idle CPU and peak RSS; a MongoDB driver workload direct and
 * through Puerta with each client identifier; the heap 10,000 idle connections cost. Prints one markdown report.
 *
 * <p>Usage: {@code Harness <puerta-home> [--rounds N] [--quick]}
 */
public final class Harness {

    private static final String TESTS = "get,set,incr,lpush,mset";
    private static final String[] TEST_COMMANDS = TESTS.split(",");
    /** How redis-benchmark names each of {@link #TEST_COMMANDS} in its report. */
    private static final String[] TEST_NAMES = {"GET", "SET", "INCR", "LPUSH", "MSET (10 keys)"};
    /** MSET through the cluster proxy with the keys redis-benchmark --cluster sends: one hash tag per command. */
    private static final String TAGGED_MSET = "MSET (10 keys, one hash tag)";
    /**
     * The 10-slot MSET's own floor: the commands Puerta must send for it (one per slot), sent by the direct cluster
     * client: one-key SETs at ten times the pipeline, its rate divided by ten.
     */
    private static final String SPLIT_MSET = "MSET (10 keys in 10 slots), as 10 one-key commands";

    private static final int[] PIPELINES = {1, 16};
    /** The proxies' JVM: a fixed heap, and the parallel collector (least CPU of the JDK's collectors). */
    private static final String PUERTA_JAVA_OPTS = "-Xms512m -Xmx512m -XX:+UseParallelGC";

    private static final String DEFAULT_PUERTA = "Puerta pikiwidb (ring per I/O thread, the default)";
    private static final String FLOOR = "Netty relay, no parsing or routing (the floor)";

    /**
     * What redis-benchmark talks to; {@code pid} is -1 for the servers themselves; {@code options} are more
     * redis-benchmark options (TLS).
     */
    private record Target(String name, String group, int port, long pid, boolean cluster, List<String> options) {
        Target(String name, String group, int port, long pid, boolean cluster) {
            this(name, group, port, pid, cluster, List.of());
        }
    }

    private Harness() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        int rounds = 3;
        boolean quick = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int requestsP1 = quick ? 20_000 : 100_000;
        int requestsP16 = quick ? 100_000 : 500_000;
        Path work = Files.createTempDirectory("puerta-bench");
        List<RedisServerProcess> redis = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        try (Processes processes = new Processes(work)) {
            log("backends: 3 standalone redis-servers, a 3-master cluster, 3 MongoDB wire servers");
            for (int i = 0; i < 3; i++) {
                redis.add(RedisServerProcess.start());
            }
            List<RedisServerProcess> cluster = RedisClusterSetup.start(3);
            redis.addAll(cluster);
            List<Integer> mongoPorts = List.of(FreePorts.next(), FreePorts.next(), FreePorts.next());
            processes.start(
                    "mongo",
                    ownJvm(
                            MongoServerMain.class,
                            mongoPorts.stream().map(String::valueOf).toList()),
                    Map.of(),
                    mongoPorts.get(2));

            List<Target> targets = new ArrayList<>();
            targets.add(new Target(
                    "redis-server, direct (one of the 3)",
                    "standalone",
                    redis.get(0).port(),
                    -1,
                    false));
            int twemproxy = FreePorts.next();
            Process nutcracker = processes.start(
                    "nutcracker",
                    List.of(
                            "nutcracker",
                            "-s", // its stats port: a free one, not the default 22222 another twemproxy may hold
                            String.valueOf(FreePorts.next()),
                            "-c",
                            processes
                                    .file("nutcracker.yml", nutcrackerYml(twemproxy, redis))
                                    .toString()),
                    Map.of(),
                    twemproxy);
            targets.add(new Target("twemproxy (nutcracker)", "standalone", twemproxy, nutcracker.pid(), false));
            String ring = "router = pikiwidb-ring\npikiwidb { distribution = ketama, hash = murmur }\n"
                    + backends(redis.subList(0, 3).stream()
                            .map(RedisServerProcess::port)
                            .toList());
            targets.add(puerta(processes, home, "puerta-ring", DEFAULT_PUERTA, "standalone", ring, false));
            // TLS for clients, on OpenSSL (netty-tcnative), beside the same proxy in plain text
            TestCertificates certificates = TestCertificates.createCa(work);
            TestCertificates.Issued certificate = certificates.issue("puerta", "localhost");
            int tlsPort = FreePorts.next();
            Target tlsProcess = puerta(
                    processes,
                    home,
                    "puerta-tls",
                    DEFAULT_PUERTA + ", TLS clients",
                    "tls",
                    ring + "\nlisten.tls { port = " + tlsPort + ", cert-file = \"" + certificate.cert()
                            + "\", key-file = \"" + certificate.key() + "\" }",
                    false);
            targets.add(new Target(
                    tlsProcess.name(),
                    "tls",
                    tlsPort,
                    tlsProcess.pid(),
                    false,
                    List.of("--tls", "--cacert", certificates.ca().toString())));
            targets.add(puerta(
                    processes,
                    home,
                    "puerta-routing-thread",
                    "Puerta pikiwidb (one ring to one routing thread)",
                    "standalone",
                    ring + "\npipeline.mode = ring",
                    false));
            targets.add(puerta(
                    processes,
                    home,
                    "puerta-event-loop",
                    "Puerta pikiwidb (event-loop, no ring)",
                    "standalone",
                    ring + "\npipeline.mode = event-loop",
                    false));
            int relayPort = FreePorts.next();
            List<String> relayArgs = new ArrayList<>(List.of(String.valueOf(relayPort)));
            redis.subList(0, 3).forEach(server -> relayArgs.add(String.valueOf(server.port())));
            Process relay = processes.start(
                    "netty-relay", ownJvm(io.puerta.bench.floor.NettyRelay.class, relayArgs), Map.of(), relayPort);
            targets.add(new Target(FLOOR, "standalone", relayPort, relay.pid(), false));
            targets.add(new Target(
                    "redis-benchmark --cluster, direct",
                    "cluster",
                    cluster.get(0).port(),
                    -1,
                    true));
            targets.add(puerta(
                    processes,
                    home,
                    "puerta-cluster",
                    "Puerta redis-cluster",
                    "cluster",
                    "router = redis-cluster\n"
                            + backends(cluster.stream()
                                    .map(RedisServerProcess::port)
                                    .toList()),
                    false));
            // Started with the others, not just before the idle measurement: its start-up (the JIT compiling, for
            // seconds) is not idle, and the other proxies' is long over by then too. It takes no load meanwhile.
            Target healthChecked = puerta(
                    processes,
                    home,
                    "puerta-idle-checks",
                    DEFAULT_PUERTA + ", health checks every second",
                    "idle",
                    ring + "\nhealth-check { checker = redis-ping, interval = 1s }",
                    false);
            List<Target> mongoProxies = new ArrayList<>();
            for (String identifier : List.of("socket-addr", "fingerprint", "session-id")) {
                mongoProxies.add(puerta(
                        processes,
                        home,
                        "puerta-mongo-" + identifier,
                        "Puerta mongo-affinity (" + identifier + ")",
                        "mongo",
                        "protocol = mongo\nrouter = mongo-affinity\nclient-identifier = " + identifier + "\n"
                                + backends(mongoPorts),
                        false));
            }
            // the floor of a hop for MongoDB: the same relay, in front of the first server
            int mongoRelayPort = FreePorts.next();
            Process mongoRelay = processes.start(
                    "netty-relay-mongo",
                    ownJvm(
                            io.puerta.bench.floor.NettyRelay.class,
                            List.of(String.valueOf(mongoRelayPort), String.valueOf(mongoPorts.get(0)))),
                    Map.of(),
                    mongoRelayPort);
            mongoProxies.add(new Target(
                    FLOOR + ", in front of one MongoDB server", "mongo", mongoRelayPort, mongoRelay.pid(), false));

            List<String> tags = tagPerMaster(); // the tagged MSET's: one per master of the cluster
            log("warm-up (not measured): one short run against each target");
            for (Target target : targets) {
                RedisBenchmarkRun.run(target.port(), target.cluster(), 16, 50_000, TESTS, target.options());
            }

            Map<String, List<RedisBenchmarkRun.Result>> results = new LinkedHashMap<>();
            Map<String, List<Double>> cpuPerRequest = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                // Test by test, every target in turn, so that two targets' runs of one test are seconds apart, not a
                // whole target's five tests apart: this machine's speed drifts by a third over minutes (lab,
                // twemproxy's GET at pipeline 1: 26,500 to 39,600 requests/s over five rounds). The order is reversed
                // every other round, so that no target always runs right after the same neighbour or first.
                List<Target> order = new ArrayList<>(targets);
                if (round % 2 == 0) {
                    Collections.reverse(order);
                }
                for (int pipeline : PIPELINES) {
                    int requests = pipeline == 1 ? requestsP1 : requestsP16;
                    Map<Target, Double> cpuSeconds = new LinkedHashMap<>();
                    for (int t = 0; t < TEST_NAMES.length; t++) {
                        String test = TEST_NAMES[t];
                        log(String.format(
                                "round %d/%d, pipeline %d, %s (%,d requests per target)",
                                round, rounds, pipeline, test, requests));
                        for (Target target : order) {
                            double cpuBefore = target.pid() > 0 ? ProcStats.cpuSeconds(target.pid()) : 0;
                            RedisBenchmarkRun.Result result = RedisBenchmarkRun.run(
                                            target.port(),
                                            target.cluster(),
                                            pipeline,
                                            requests,
                                            TEST_COMMANDS[t],
                                            target.options())
                                    .get(test);
                            if (target.pid() > 0) {
                                cpuSeconds.merge(target, ProcStats.cpuSeconds(target.pid()) - cpuBefore, Double::sum);
                            }
                            results.computeIfAbsent(key(target, pipeline, test), k -> new ArrayList<>())
                                    .add(result);
                            if (target.group().equals("cluster") && t == TEST_NAMES.length - 1) {
                                clusterMsets(target, pipeline, requests, tags, result, results);
                            }
                        }
                    }
                    cpuSeconds.forEach((target, cpu) -> cpuPerRequest
                            .computeIfAbsent(key(target, pipeline, "cpu"), k -> new ArrayList<>())
                            .add(cpu * 1e6 / ((double) requests * TEST_NAMES.length)));
                }
            }

            log("one client: GET and SET at pipeline 1, the latency a proxy adds to each request");
            List<Target> single =
                    targets.stream().filter(t -> t.group().equals("standalone")).toList();
            Map<Target, List<Double>> meanMicros = new LinkedHashMap<>();
            int requestsOne = quick ? 5_000 : 20_000;
            for (int round = 0; round < rounds; round++) {
                for (Target target : single) {
                    Map<String, RedisBenchmarkRun.Result> run =
                            RedisBenchmarkRun.run(target.port(), false, 1, requestsOne, "get,set", target.options(), 1);
                    double mean = run.values().stream()
                            .mapToDouble(RedisBenchmarkRun.Result::meanMs)
                            .average()
                            .orElseThrow();
                    meanMicros.computeIfAbsent(target, k -> new ArrayList<>()).add(mean * 1000);
                }
            }

            log("MongoDB driver workload: 8 threads of insert + find by _id, direct and through Puerta, interleaved");
            long mongoMillis = quick ? 2_000 : 10_000;
            // warm-up, the driver's JIT included: the first seconds of a new JVM's driver run at half speed
            long warmUp = quick ? 2_000 : 5_000;
            MongoWorkload.run(mongoPorts.get(0), 8, 2 * warmUp); // the servers' JIT too
            for (Target proxy : mongoProxies) {
                MongoWorkload.run(proxy.port(), 8, warmUp);
            }
            List<Double> mongoDirect = new ArrayList<>();
            Map<Target, List<Double>> mongoProxied = new LinkedHashMap<>();
            Map<Target, List<Double>> mongoCpu = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                mongoDirect.add(
                        MongoWorkload.run(mongoPorts.get(0), 8, mongoMillis).perSecond());
                for (Target proxy : mongoProxies) {
                    double cpuBefore = ProcStats.cpuSeconds(proxy.pid());
                    MongoWorkload.Result result = MongoWorkload.run(proxy.port(), 8, mongoMillis);
                    double cpu = ProcStats.cpuSeconds(proxy.pid()) - cpuBefore;
                    mongoProxied.computeIfAbsent(proxy, k -> new ArrayList<>()).add(result.perSecond());
                    mongoCpu.computeIfAbsent(proxy, k -> new ArrayList<>()).add(cpu * 1e6 / result.operations());
                }
            }

            log("idle: CPU of proxies with no clients, with and without health checks (every second)");
            Map<Target, Double> idleShare = new LinkedHashMap<>();
            List<Target> idleTargets =
                    new ArrayList<>(single.stream().filter(t -> t.pid() > 0).toList());
            idleTargets.add(healthChecked);
            Map<Target, Double> idleBefore = new LinkedHashMap<>();
            for (Target target : idleTargets) {
                idleBefore.put(target, ProcStats.cpuSeconds(target.pid()));
            }
            long idleMillis = quick ? 5_000 : 20_000;
            sleep(idleMillis);
            for (Target target : idleTargets) {
                idleShare.put(
                        target, (ProcStats.cpuSeconds(target.pid()) - idleBefore.get(target)) * 100_000.0 / idleMillis);
            }

            Target ringTarget = targets.get(2);
            log("idle connections: 10,000 held open against " + ringTarget.name());
            IdleConnections.Cost idle = IdleConnections.measure(ringTarget.pid(), ringTarget.port(), 10_000);

            report(report, targets, results, cpuPerRequest, rounds, requestsP1, requestsP16);
            double direct = median(meanMicros.get(single.get(0)));
            report.append(String.format(
                    Locale.ROOT,
                    "%n## One client (redis-benchmark -c 1, GET and SET at pipeline 1, %,d requests each; medians of"
                            + " %d rounds)%n%n| target | mean latency (µs) | added to direct (µs) |%n|---|---|---|%n",
                    requestsOne,
                    rounds));
            for (Target target : single) {
                double mean = median(meanMicros.get(target));
                report.append(String.format(
                        Locale.ROOT,
                        "| %s | %.0f | %s |%n",
                        target.name(),
                        mean,
                        target == single.get(0) ? "–" : String.format(Locale.ROOT, "%.0f", mean - direct)));
            }
            report.append(String.format(
                    Locale.ROOT,
                    "%n## MongoDB (8 driver threads, insert + find by _id, %d s per run; servers, Puerta and the driver"
                            + " each in its own process)%n%n"
                            + "| target | ops/s (median of %d) | against the floor | proxy's CPU µs per driver"
                            + " operation |%n|---|---|---|---|%n"
                            + "| direct | %,.0f | – | – |%n",
                    mongoMillis / 1000,
                    rounds,
                    median(mongoDirect)));
            Target mongoFloor = mongoProxies.get(mongoProxies.size() - 1); // the relay, added last
            for (Target proxy : mongoProxies) {
                report.append(String.format(
                        Locale.ROOT,
                        "| %s | %,.0f (%.2f× direct) | %s | %.2f |%n",
                        proxy.name(),
                        median(mongoProxied.get(proxy)),
                        median(mongoProxied.get(proxy)) / median(mongoDirect),
                        proxy == mongoFloor
                                ? "–"
                                : String.format(
                                        Locale.ROOT,
                                        "%.2f×",
                                        median(mongoProxied.get(proxy)) / median(mongoProxied.get(mongoFloor))),
                        median(mongoCpu.get(proxy))));
            }
            report.append(String.format(
                    Locale.ROOT,
                    "%n## 10,000 idle client connections (%s)%n%n"
                            + "Java heap in use after a full GC: %.0f bytes per connection; RSS: %.0f bytes per"
                            + " connection.%n",
                    ringTarget.name(),
                    idle.heapBytesPerConnection(),
                    idle.rssBytesPerConnection()));
            report.append(String.format(
                    Locale.ROOT,
                    "%n## Idle (no clients, %d s)%n%n| proxy | CPU, %% of a core |%n|---|---|%n",
                    idleMillis / 1000));
            idleShare.forEach((target, share) ->
                    report.append(String.format(Locale.ROOT, "| %s | %.2f |%n", target.name(), share)));
            report.append("\n## Peak RSS of the proxies\n\n| proxy | peak RSS (MB) |\n|---|---|\n");
            for (Target target : targets) {
                if (target.pid() > 0) {
                    report.append(String.format(
                            Locale.ROOT, "| %s | %.0f |%n", target.name(), ProcStats.peakRssMb(target.pid())));
                }
            }
            for (Target proxy : mongoProxies) {
                report.append(
                        String.format(Locale.ROOT, "| %s | %.0f |%n", proxy.name(), ProcStats.peakRssMb(proxy.pid())));
            }
        } finally {
            redis.forEach(RedisServerProcess::close);
        }
        String text = report.toString();
        System.out.println();
        System.out.println(text);
        Path saved = Path.of("bench", "last-run.md");
        if (Files.isDirectory(saved.getParent())) {
            Files.writeString(saved, text);
            log("report saved to " + saved);
        }
    }

    private static Target puerta(
            Processes processes, Path home, String name, String title, String group, String config, boolean cluster)
            throws Exception {
        int port = FreePorts.next();
        Path file = processes.file(name + ".conf", "puerta {\n listen.port = " + port + "\n" + config + "\n}\n");
        Process process = processes.start(
                name,
                List.of(home.resolve("bin/puerta").toString(), "--config", file.toString()),
                Map.of("JAVA_OPTS", PUERTA_JAVA_OPTS),
                port);
        return new Target(title, group, port, process.pid(), cluster);
    }

    /** A main class of the harness's own class path, in a JVM of its own with the proxies' JVM options. */
    private static List<String> ownJvm(Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path")));
        command.addAll(List.of(PUERTA_JAVA_OPTS.split(" ")));
        command.add(main.getName());
        command.addAll(args);
        return command;
    }

    private static String backends(List<Integer> ports) {
        StringBuilder text = new StringBuilder("backends = [");
        for (int port : ports) {
            text.append("{ address = \"127.0.0.1:").append(port).append("\" },");
        }
        return text.append("]").toString();
    }

    private static String nutcrackerYml(int port, List<RedisServerProcess> redis) {
        StringBuilder yml = new StringBuilder();
        yml.append("bench:\n  listen: 127.0.0.1:").append(port).append('\n');
        yml.append("  hash: murmur\n  distribution: ketama\n  redis: true\n  server_connections: 1\n");
        yml.append("  servers:\n");
        for (int i = 0; i < 3; i++) {
            yml.append("   - 127.0.0.1:").append(redis.get(i).port()).append(":1\n");
        }
        return yml.toString();
    }

    private static String key(Target target, int pipeline, String test) {
        return target.name() + "|" + pipeline + "|" + test;
    }

    private static void report(
            StringBuilder out,
            List<Target> targets,
            Map<String, List<RedisBenchmarkRun.Result>> results,
            Map<String, List<Double>> cpu,
            int rounds,
            int requestsP1,
            int requestsP16) {
        out.append("# Puerta benchmark\n\n");
        out.append(String.format(
                Locale.ROOT,
                "redis-benchmark, 50 clients, keys from 100,000, %,d requests per test at pipeline 1 and %,d at"
                        + " pipeline 16; medians of %d rounds, each test run against every target in turn (the"
                        + " order reversed every other round). Cells: requests/s, p99 latency in ms,"
                        + " and the ratio to twemproxy (standalone), to the direct cluster client (cluster), or to"
                        + " the same proxy in plain text (TLS clients)."
                        + " CPU: the proxy process's user+system time per request (µs).%n",
                requestsP1,
                requestsP16,
                rounds));
        for (int pipeline : PIPELINES) {
            out.append(String.format(Locale.ROOT, "%n## Pipeline %d%n%n| target |", pipeline));
            for (String test : TEST_NAMES) {
                out.append(' ').append(test).append(" |");
            }
            out.append(" CPU µs/req |\n|---|");
            out.append("---|".repeat(TEST_NAMES.length + 1)).append('\n');
            for (Target target : targets) {
                out.append("| ").append(target.name()).append(" |");
                Target reference = reference(targets, target);
                for (String test : TEST_NAMES) {
                    List<RedisBenchmarkRun.Result> runs = results.get(key(target, pipeline, test));
                    if (runs == null) {
                        out.append(" – |");
                        continue;
                    }
                    double rps = median(
                            runs.stream().map(RedisBenchmarkRun.Result::rps).toList());
                    double p99 = median(
                            runs.stream().map(RedisBenchmarkRun.Result::p99Ms).toList());
                    out.append(String.format(Locale.ROOT, " %,.0f / %.2f ms", rps, p99));
                    List<RedisBenchmarkRun.Result> baseline =
                            reference == null ? null : results.get(key(reference, pipeline, test));
                    if (baseline != null && reference != target) {
                        double ratio = rps
                                / median(baseline.stream()
                                        .map(RedisBenchmarkRun.Result::rps)
                                        .toList());
                        out.append(String.format(Locale.ROOT, " (%.2f×)", ratio));
                    }
                    out.append(" |");
                }
                List<Double> cpuRuns = cpu.get(key(target, pipeline, "cpu"));
                out.append(cpuRuns == null ? " – |" : String.format(Locale.ROOT, " %.2f |", median(cpuRuns)));
                out.append('\n');
            }
        }
        clusterMsetTable(
                out,
                targets,
                results,
                TAGGED_MSET,
                "MSET with the direct client's keys (10 keys with one hash tag per command, one tag per master)");
        clusterMsetTable(
                out,
                targets,
                results,
                SPLIT_MSET,
                "MSET of 10 keys in 10 slots against the direct client sending its 10 commands (one-key SETs at ten"
                        + " times the pipeline; requests/s divided by ten, p99 of the SETs)");
        floor(out, targets, results, cpu);
    }

    /**
     * The cluster's two MSET comparisons beside the plain one ({@code mset}, this target's run of the MSET test):
     * through the proxy, the direct client's tagged MSET; for the direct client, the ten commands the proxy sends.
     */
    private static void clusterMsets(
            Target target,
            int pipeline,
            int requests,
            List<String> tags,
            RedisBenchmarkRun.Result mset,
            Map<String, List<RedisBenchmarkRun.Result>> results)
            throws IOException, InterruptedException {
        // the direct client's MSET already is this command; through the proxy, run it too
        RedisBenchmarkRun.Result tagged =
                target.cluster() ? mset : RedisBenchmarkRun.runTaggedMset(target.port(), pipeline, requests, tags);
        results.computeIfAbsent(key(target, pipeline, TAGGED_MSET), k -> new ArrayList<>())
                .add(tagged);
        // a cluster-aware client given the 10-slot MSET's keys sends 10 commands as Puerta does
        RedisBenchmarkRun.Result split = target.cluster() ? tenCommandsPerMset(target, pipeline, requests) : mset;
        results.computeIfAbsent(key(target, pipeline, SPLIT_MSET), k -> new ArrayList<>())
                .add(split);
    }

    /**
     * The direct cluster client sending what a 10-slot MSET needs: one command per slot. One-key SETs (the servers'
     * work of a one-key MSET) with ten times the pipeline, so that as many commands are in flight; each ten of them
     * are one MSET.
     */
    private static RedisBenchmarkRun.Result tenCommandsPerMset(Target direct, int pipeline, int requests)
            throws IOException, InterruptedException {
        RedisBenchmarkRun.Result sets = RedisBenchmarkRun.run(
                        direct.port(), true, pipeline * 10, requests, "set", direct.options())
                .get("SET");
        return new RedisBenchmarkRun.Result(sets.rps() / 10, sets.p99Ms(), sets.meanMs());
    }

    /**
     * The cluster's MSET compared on equal commands. {@code redis-benchmark --cluster} puts an MSET's 10 keys in one
     * slot (a hash tag of the node its client talks to), while the same tool pointed at a proxy spreads them over 10
     * slots, which Puerta must send as up to 10 commands. One table gives the proxy the direct client's commands
     * ({@link #TAGGED_MSET}); the other gives the direct client the proxy's ({@link #SPLIT_MSET}).
     */
    private static void clusterMsetTable(
            StringBuilder out,
            List<Target> targets,
            Map<String, List<RedisBenchmarkRun.Result>> results,
            String test,
            String title) {
        List<Target> cluster =
                targets.stream().filter(t -> t.group().equals("cluster")).toList();
        out.append("\n## ").append(title).append("\n\n| pipeline |");
        cluster.forEach(t -> out.append(' ').append(t.name()).append(" |"));
        out.append("\n|---|").append("---|".repeat(cluster.size())).append('\n');
        for (int pipeline : PIPELINES) {
            out.append("| ").append(pipeline).append(" |");
            Target reference = null;
            for (Target target : cluster) {
                List<RedisBenchmarkRun.Result> runs = results.get(key(target, pipeline, test));
                if (runs == null) {
                    out.append(" – |");
                    continue;
                }
                out.append(String.format(
                        Locale.ROOT,
                        " %,.0f / %.2f ms",
                        medianRps(runs),
                        median(runs.stream()
                                .map(RedisBenchmarkRun.Result::p99Ms)
                                .toList())));
                if (reference == null) {
                    reference = target;
                } else {
                    out.append(String.format(
                            Locale.ROOT,
                            " (%.2f×)",
                            medianRps(runs) / medianRps(results.get(key(reference, pipeline, test)))));
                }
                out.append(" |");
            }
            out.append('\n');
        }
    }

    /**
     * A hash tag for each master of the cluster redis-cli made, which splits the slots in three even, contiguous
     * ranges: a tag whose slot lies near the middle of each range.
     */
    private static List<String> tagPerMaster() {
        int slots = io.puerta.plugin.redis.cluster.HashSlot.SLOTS;
        List<String> tags = new ArrayList<>();
        for (int i = 0; tags.size() < 3; i++) {
            String tag = "t" + i;
            int slot = io.puerta.plugin.redis.cluster.HashSlot.of(tag.getBytes(StandardCharsets.US_ASCII));
            if (Math.abs(slot - (2 * tags.size() + 1) * slots / 6) < 1000) {
                tags.add(tag);
            }
        }
        return tags;
    }

    /**
     * The proxies against the floor (a Netty relay that neither parses nor routes): throughput ratios per test,
     * and CPU per request as a multiple of the floor's; then the floor against each direct client, which is what a
     * hop costs before any proxy does anything.
     */
    private static void floor(
            StringBuilder out,
            List<Target> targets,
            Map<String, List<RedisBenchmarkRun.Result>> results,
            Map<String, List<Double>> cpu) {
        Target floor =
                targets.stream().filter(t -> t.name().equals(FLOOR)).findFirst().orElse(null);
        if (floor == null) {
            return;
        }
        out.append("\n## Against the floor (throughput ratio to the Netty relay; CPU per request as a multiple of"
                + " the relay's)\n");
        for (int pipeline : PIPELINES) {
            out.append(String.format(Locale.ROOT, "%n### Pipeline %d%n%n| target |", pipeline));
            for (String test : TEST_NAMES) {
                out.append(' ').append(test).append(" |");
            }
            out.append(" CPU |\n|---|")
                    .append("---|".repeat(TEST_NAMES.length + 1))
                    .append('\n');
            for (Target target : targets) {
                boolean proxy =
                        target.group().equals("standalone") || target.group().equals("cluster");
                if (!proxy || target.pid() < 0 || target == floor) {
                    continue;
                }
                out.append("| ").append(target.name()).append(" |");
                throughputRatios(out, results, pipeline, target, floor);
                List<Double> ownCpu = cpu.get(key(target, pipeline, "cpu"));
                List<Double> baseCpu = cpu.get(key(floor, pipeline, "cpu"));
                out.append(
                        ownCpu == null || baseCpu == null
                                ? " – |"
                                : String.format(Locale.ROOT, " %.2f× |", median(ownCpu) / median(baseCpu)));
                out.append('\n');
            }
            // what a hop costs by itself: the floor against each direct client (no CPU of theirs is measured)
            for (Target direct : targets) {
                if (direct.pid() >= 0) {
                    continue;
                }
                out.append("| the floor itself, against ").append(direct.name()).append(" |");
                throughputRatios(out, results, pipeline, floor, direct);
                out.append(" – |\n");
            }
        }
    }

    /** One cell per test: {@code target}'s median throughput as a multiple of {@code base}'s. */
    private static void throughputRatios(
            StringBuilder out,
            Map<String, List<RedisBenchmarkRun.Result>> results,
            int pipeline,
            Target target,
            Target base) {
        for (String test : TEST_NAMES) {
            List<RedisBenchmarkRun.Result> own = results.get(key(target, pipeline, test));
            List<RedisBenchmarkRun.Result> reference = results.get(key(base, pipeline, test));
            out.append(
                    own == null || reference == null
                            ? " – |"
                            : String.format(Locale.ROOT, " %.2f× |", medianRps(own) / medianRps(reference)));
        }
    }

    private static double medianRps(List<RedisBenchmarkRun.Result> runs) {
        return median(runs.stream().map(RedisBenchmarkRun.Result::rps).toList());
    }

    /**
     * What a target is compared with: twemproxy for the standalone proxies, the direct client for the cluster, the
     * same proxy in plain text for TLS.
     */
    private static Target reference(List<Target> targets, Target target) {
        if (target.group().equals("tls")) {
            return targets.stream()
                    .filter(t -> t.name().equals(DEFAULT_PUERTA))
                    .findFirst()
                    .orElse(null);
        }
        for (Target candidate : targets) {
            if (!candidate.group().equals(target.group())) {
                continue;
            }
            if (target.group().equals("standalone") && candidate.name().startsWith("twemproxy")) {
                return candidate;
            }
            if (target.group().equals("cluster") && candidate.pid() < 0) {
                return candidate;
            }
        }
        return null;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static void log(String message) {
        System.err.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
    }

    static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
