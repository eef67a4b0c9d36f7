package io.puerta.plugin.pikiwidb.ring;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** twemproxy's random: any live server, whatever the key (for caches that tolerate it). */
final class RandomDistribution implements Distribution {

    private final int[] servers;

    RandomDistribution(List<RingServer> live) {
        this.servers = live.stream().mapToInt(RingServer::index).toArray();
    }

    @Override
    public int select(int hash) {
        return servers[ThreadLocalRandom.current().nextInt(servers.length)];
    }
}
