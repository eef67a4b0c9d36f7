package io.puerta.plugin.pikiwidb.ring;

import io.puerta.plugin.pikiwidb.hash.Md5;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * twemproxy's ketama continuum: 160 points per server scaled by weight, four per MD5 digest of
 * {@code "<name>-<n>"}, sorted; a key goes to the first point at or after its hash, wrapping around.
 */
final class Ketama implements Distribution {

    private static final int POINTS_PER_SERVER = 160;
    private static final int POINTS_PER_HASH = 4;

    private final long[] points; // (unsigned value << 32) | server index, sorted by value
    private final int[] values;
    private final int[] servers;

    private Ketama(long[] points) {
        this.points = points;
        this.values = new int[points.length];
        this.servers = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            values[i] = (int) (points[i] >>> 32);
            servers[i] = (int) points[i];
        }
    }

    static Ketama build(List<RingServer> live) {
        long totalWeight = 0;
        for (RingServer server : live) {
            totalWeight += server.weight();
        }
        int count = live.size();
        long[] points = new long[count * POINTS_PER_SERVER * 2];
        int n = 0;
        for (RingServer server : live) {
            int pointsForServer = pointsFor(server.weight(), totalWeight, count);
            for (int p = 0; p < pointsForServer / POINTS_PER_HASH; p++) {
                byte[] name = (server.name() + "-" + p).getBytes(StandardCharsets.UTF_8);
                byte[] digest = Md5.digest(name, 0, name.length);
                for (int word = 0; word < POINTS_PER_HASH; word++) {
                    long value = Md5.littleEndianWord(digest, word) & 0xffffffffL;
                    if (n == points.length) {
                        points = Arrays.copyOf(points, points.length * 2);
                    }
                    points[n++] = value << 32 | server.index();
                }
            }
        }
        long[] used = Arrays.copyOf(points, n);
        // Sort by the unsigned value in the high half: flipping the sign bit makes a signed sort an unsigned one.
        for (int i = 0; i < used.length; i++) {
            used[i] ^= Long.MIN_VALUE;
        }
        Arrays.sort(used);
        for (int i = 0; i < used.length; i++) {
            used[i] ^= Long.MIN_VALUE;
        }
        return new Ketama(used);
    }

    /**
     * Points for one server, computed in single precision exactly as twemproxy does, so that rounding moves no
     * point: {@code floorf(pct * 160 / 4 * n + 1e-10) * 4}.
     */
    static int pointsFor(int weight, long totalWeight, int liveServers) {
        float pct = (float) weight / (float) totalWeight;
        float scaled = pct * POINTS_PER_SERVER / 4 * (float) liveServers;
        float nudged = (float) ((double) scaled + 0.0000000001);
        return (int) Math.floor(nudged) * 4;
    }

    @Override
    public int select(int hash) {
        long key = hash & 0xffffffffL;
        int low = 0;
        int high = values.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if ((values[mid] & 0xffffffffL) < key) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return servers[low == values.length ? 0 : low];
    }

    int pointCount() {
        return points.length;
    }
}
