package io.puerta.plugin.mongo.affinity.routing;

import io.puerta.spi.backend.Backend;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Chooses the mongos for an identity seen for the first time (or whose mongos went down): {@code puerta
 * .mongo-affinity.balance}. Called on the routing stage only.
 */
abstract class Balancer {

    /** @param identity the client's identity, or null for a message without one */
    abstract Backend pick(String identity, List<Backend> live);

    /** The policy of that name, or null; {@code clients} counts the client connections each mongos has now. */
    static Balancer named(String name, ToIntFunction<Backend> clients) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "round-robin" -> new WeightedRoundRobin();
            case "least-connections" -> new LeastConnections(clients);
            case "rendezvous" -> new Rendezvous();
            default -> null;
        };
    }

    /** Smooth weighted round robin: each mongos in turn, as often as its weight says, never in bursts. */
    static final class WeightedRoundRobin extends Balancer {
        private final Map<Backend, Integer> current = new HashMap<>();

        @Override
        Backend pick(String identity, List<Backend> live) {
            int total = 0;
            Backend best = null;
            int bestWeight = Integer.MIN_VALUE;
            for (Backend backend : live) {
                int weight = Math.max(1, backend.weight());
                total += weight;
                int now = current.merge(backend, weight, Integer::sum);
                if (now > bestWeight) {
                    bestWeight = now;
                    best = backend;
                }
            }
            current.merge(best, -total, Integer::sum);
            current.keySet().retainAll(live);
            return best;
        }
    }

    /** The mongos with the fewest client connections per unit of weight; ties go to the first listed. */
    static final class LeastConnections extends Balancer {
        private final ToIntFunction<Backend> clients;

        LeastConnections(ToIntFunction<Backend> clients) {
            this.clients = clients;
        }

        @Override
        Backend pick(String identity, List<Backend> live) {
            Backend best = null;
            double bestLoad = Double.MAX_VALUE;
            for (Backend backend : live) {
                double load = (clients.applyAsInt(backend) + 1.0) / Math.max(1, backend.weight());
                if (load < bestLoad) {
                    bestLoad = load;
                    best = backend;
                }
            }
            return best;
        }
    }

    /**
     * Weighted rendezvous (highest random weight) hashing of the identity over the mongos addresses: every Puerta
     * instance with the same mongos list sends one identity to the same mongos, without sharing any state, and a
     * mongos leaving moves only its own identities. Messages without an identity go round robin.
     */
    static final class Rendezvous extends Balancer {
        private final WeightedRoundRobin anonymous = new WeightedRoundRobin();

        @Override
        Backend pick(String identity, List<Backend> live) {
            if (identity == null) {
                return anonymous.pick(null, live);
            }
            Backend best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (Backend backend : live) {
                double score = score(identity, backend.address(), Math.max(1, backend.weight()));
                if (score > bestScore) {
                    bestScore = score;
                    best = backend;
                }
            }
            return best;
        }

        /** -weight / ln(u), u uniform in (0, 1) from the hash: larger weights win proportionally more often. */
        static double score(String identity, String address, int weight) {
            long hash = fnv1a64(identity + "\u0000" + address);
            double unit = ((hash >>> 11) + 0.5) / (double) (1L << 53);
            return -weight / Math.log(unit);
        }

        private static long fnv1a64(String text) {
            long hash = 0xcbf29ce484222325L;
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                hash ^= b & 0xff;
                hash *= 0x100000001b3L;
            }
            // finalize (murmur3 fmix64): spread the low-entropy differences of similar identities
            hash ^= hash >>> 33;
            hash *= 0xff51afd7ed558ccdL;
            hash ^= hash >>> 33;
            hash *= 0xc4ceb9fe1a85ec53L;
            hash ^= hash >>> 33;
            return hash;
        }
    }
}
