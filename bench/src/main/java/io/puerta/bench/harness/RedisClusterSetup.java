package io.puerta.bench.harness;

import io.puerta.runtime.testing.RedisServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Redis Cluster of masters only, made with {@code redis-cli --cluster create}. */
final class RedisClusterSetup {

    private RedisClusterSetup() {}

    static List<RedisServerProcess> start(int masters) throws IOException, InterruptedException {
        List<RedisServerProcess> nodes = new ArrayList<>();
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int i = 0; i < masters; i++) {
            RedisServerProcess node = RedisServerProcess.startOn(
                    io.puerta.runtime.testing.FreePorts.clusterNode(), // bus port free too, and below 55536
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    "5000");
            nodes.add(node);
            command.add(node.address());
        }
        command.add("--cluster-yes");
        Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (RedisServerProcess node : nodes) {
            while (!clusterOk(node)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the cluster did not become ok");
                }
                Thread.sleep(100);
            }
        }
        return nodes;
    }

    private static boolean clusterOk(RedisServerProcess node) throws IOException, InterruptedException {
        Process info = new ProcessBuilder("redis-cli", "-p", Integer.toString(node.port()), "cluster", "info")
                .redirectErrorStream(true)
                .start();
        String output = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        info.waitFor(10, TimeUnit.SECONDS);
        return output.contains("cluster_state:ok");
    }
}
