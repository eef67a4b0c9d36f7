package io.puerta.plugin.redis.cluster.testing;

import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.plugin.redis.common.resp.RespError;
import io.puerta.runtime.testing.Await;
import io.puerta.runtime.testing.RedisServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster on free loopback ports, created the way redis-cli would (MEET, ADDSLOTS, REPLICATE) with
 * plain commands, so only redis-server is needed: masters share the 16384 slots evenly, each with its replicas.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    // the password of each node that requires one (by port), so that call() logs in
    private static final java.util.Map<Integer, String> PASSWORDS = new java.util.concurrent.ConcurrentHashMap<>();

    private final List<RedisServerProcess> masters = new ArrayList<>();
    private final List<RedisServerProcess> replicas = new ArrayList<>();

    private RedisCluster() {}

    public static RedisCluster start(int masterCount, int replicasPerMaster) {
        return start(masterCount, replicasPerMaster, null);
    }

    /** A cluster whose nodes require {@code password} ({@code requirepass}, and {@code masterauth} for replicas). */
    public static RedisCluster start(int masterCount, int replicasPerMaster, String password) {
        RedisCluster cluster = new RedisCluster();
        try {
            for (int i = 0; i < masterCount; i++) {
                cluster.masters.add(node(password));
            }
            for (int i = 0; i < masterCount * replicasPerMaster; i++) {
                cluster.replicas.add(node(password));
            }
            cluster.create(replicasPerMaster);
            return cluster;
        } catch (RuntimeException | IOException e) {
            cluster.close();
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    private static RedisServerProcess node(String password) {
        List<String> args = new ArrayList<>(List.of(
                "--cluster-enabled", "yes", "--cluster-node-timeout", "1500", "--cluster-require-full-coverage", "no"));
        if (password != null) {
            args.addAll(List.of("--requirepass", password, "--masterauth", password));
        }
        RedisServerProcess node = startNode(args.toArray(String[]::new));
        if (password != null) {
            PASSWORDS.put(node.port(), password);
        }
        return node;
    }

    /**
     * Moves slots {@code first..last} from {@code from} to {@code to} live, as redis-cli --cluster reshard does:
     * IMPORTING/MIGRATING, MIGRATE the keys in batches, then SETSLOT NODE on every master. Returns the keys moved.
     */
    public int moveSlots(RedisServerProcess from, RedisServerProcess to, int first, int last) {
        String fromId = id(from);
        String toId = id(to);
        int moved = 0;
        for (int slot = first; slot <= last; slot++) {
            String s = Integer.toString(slot);
            call(to, "CLUSTER", "SETSLOT", s, "IMPORTING", fromId);
            call(from, "CLUSTER", "SETSLOT", s, "MIGRATING", toId);
            while (true) {
                List<?> inSlot = (List<?>) call(from, "CLUSTER", "GETKEYSINSLOT", s, "100");
                if (inSlot.isEmpty()) {
                    break;
                }
                List<String> migrate = new ArrayList<>(
                        List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port()), "", "0", "5000", "KEYS"));
                for (Object key : inSlot) {
                    migrate.add(new String((byte[]) key, StandardCharsets.UTF_8));
                }
                call(from, migrate.toArray(String[]::new));
                moved += inSlot.size();
            }
            call(to, "CLUSTER", "SETSLOT", s, "NODE", toId);
            call(from, "CLUSTER", "SETSLOT", s, "NODE", toId);
            for (RedisServerProcess master : masters) {
                if (master != to && master != from) {
                    call(master, "CLUSTER", "SETSLOT", s, "NODE", toId);
                }
            }
        }
        return moved;
    }

    /** A node on a port whose bus port is free; once more if another process took either meanwhile. */
    private static RedisServerProcess startNode(String... args) {
        for (int attempt = 1; ; attempt++) {
            try {
                return RedisServerProcess.startOn(io.puerta.runtime.testing.FreePorts.clusterNode(), args);
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private void create(int replicasPerMaster) throws IOException {
        List<RedisServerProcess> all = all();
        RedisServerProcess first = all.get(0);
        for (RedisServerProcess node : all.subList(1, all.size())) {
            call(first, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(node.port()));
        }
        int per = 16384 / masters.size();
        for (int m = 0; m < masters.size(); m++) {
            int from = m * per;
            int to = m == masters.size() - 1 ? 16383 : from + per - 1;
            for (int chunk = from; chunk <= to; chunk += 1000) {
                List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
                for (int slot = chunk; slot <= Math.min(to, chunk + 999); slot++) {
                    args.add(Integer.toString(slot));
                }
                call(masters.get(m), args.toArray(String[]::new));
            }
        }
        Await.until("every node knows every other", () -> all.stream().allMatch(n -> knownNodes(n) == all.size()));
        for (int r = 0; r < replicas.size(); r++) {
            String masterId = id(masters.get(r / replicasPerMaster));
            RedisServerProcess replica = replicas.get(r);
            Await.until("replica " + replica.port() + " follows its master", () -> {
                try {
                    return "OK".equals(call(replica, "CLUSTER", "REPLICATE", masterId));
                } catch (RuntimeException notYet) {
                    return false;
                }
            });
        }
        Await.until(
                "cluster_state:ok everywhere", () -> all.stream().allMatch(n -> info(n).contains("cluster_state:ok")));
        Await.until("every replica is in sync with its master", () -> replicas.stream()
                .allMatch(r -> replication(r).contains("master_link_status:up")));
        Await.until("every node sees all slots served", () -> all.stream().allMatch(n -> slotsCovered(n) == 16384));
    }

    public List<RedisServerProcess> masters() {
        return masters;
    }

    public List<RedisServerProcess> replicas() {
        return replicas;
    }

    public List<RedisServerProcess> all() {
        List<RedisServerProcess> all = new ArrayList<>(masters);
        all.addAll(replicas);
        return all;
    }

    /** HOCON for Puerta's backends: the masters, as seeds. */
    public String seeds() {
        StringBuilder text = new StringBuilder("backends = [");
        for (RedisServerProcess master : masters) {
            text.append("{ address = \"").append(master.address()).append("\" },");
        }
        return text.append("]").toString();
    }

    public static String id(RedisServerProcess node) {
        Object reply = call(node, "CLUSTER", "MYID");
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    /** The node currently serving a slot as master, by asking {@code asked}. */
    public int portOfSlotOwner(RedisServerProcess asked, int slot) {
        for (Object range : (List<?>) call(asked, "CLUSTER", "SLOTS")) {
            List<?> r = (List<?>) range;
            if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                return ((Long) ((List<?>) r.get(2)).get(1)).intValue();
            }
        }
        return -1;
    }

    public RedisServerProcess byPort(int port) {
        return all().stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    }

    /**
     * Waits until every replica has acknowledged all that its master had written when this was called. Replication is
     * asynchronous: a master killed right after a write may take the write with it. {@code WAIT} would not do here,
     * it waits only for the writes of the connection that sends it.
     */
    public void awaitReplicasCaughtUp() {
        for (RedisServerProcess master : masters) {
            String info = replication(master);
            long written = Long.parseLong(field(info, "master_repl_offset:"));
            int replicaCount = Integer.parseInt(field(info, "connected_slaves:"));
            Await.until("the replicas of " + master.port() + " acknowledged offset " + written, () -> {
                List<Long> acknowledged = replicaOffsets(replication(master));
                return acknowledged.size() == replicaCount
                        && acknowledged.stream().allMatch(o -> o >= written);
            });
        }
    }

    private static List<Long> replicaOffsets(String info) {
        List<Long> offsets = new ArrayList<>();
        info.lines().filter(line -> line.startsWith("slave")).forEach(line -> {
            for (String pair : line.substring(line.indexOf(':') + 1).split(",")) {
                if (pair.startsWith("offset=")) {
                    offsets.add(Long.parseLong(pair.substring("offset=".length())));
                }
            }
        });
        return offsets;
    }

    private static String field(String info, String prefix) {
        return info.lines()
                .filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()).trim())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + prefix + " in INFO replication"));
    }

    /** Empties every master (tests start from no data). */
    public void flushMasters() {
        for (RedisServerProcess master : masters()) {
            call(master, "FLUSHALL");
        }
    }

    public static Object call(RedisServerProcess node, String... args) {
        try (BlockingRespClient client = new BlockingRespClient("127.0.0.1", node.port(), TIMEOUT)) {
            String password = PASSWORDS.get(node.port());
            if (password != null) {
                client.call("AUTH", password);
            }
            Object reply = client.call(args);
            if (reply instanceof RespError error) {
                throw new IllegalStateException(String.join(" ", args) + " on " + node.port() + ": " + error.message());
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String info(RedisServerProcess node) {
        try {
            return new String((byte[]) call(node, "CLUSTER", "INFO"), StandardCharsets.UTF_8);
        } catch (RuntimeException down) {
            return "";
        }
    }

    private static String replication(RedisServerProcess node) {
        try {
            return new String((byte[]) call(node, "INFO", "replication"), StandardCharsets.UTF_8);
        } catch (RuntimeException down) {
            return "";
        }
    }

    private static int knownNodes(RedisServerProcess node) {
        try {
            return (int) new String((byte[]) call(node, "CLUSTER", "NODES"), StandardCharsets.UTF_8)
                    .lines()
                    .count();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static int slotsCovered(RedisServerProcess node) {
        try {
            int covered = 0;
            for (Object range : (List<?>) call(node, "CLUSTER", "SLOTS")) {
                List<?> r = (List<?>) range;
                covered += (int) ((Long) r.get(1) - (Long) r.get(0) + 1);
            }
            return covered;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        for (RedisServerProcess node : all()) {
            PASSWORDS.remove(node.port());
            node.close();
        }
    }
}
