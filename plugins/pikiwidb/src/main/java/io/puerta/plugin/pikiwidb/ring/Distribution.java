package io.puerta.plugin.pikiwidb.ring;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Maps a key hash to a server, as twemproxy's {@code distribution} does. Immutable; rebuilt when servers change. */
public interface Distribution {

    /** The index ({@link RingServer#index()}) of the server for this 32-bit key hash. */
    int select(int hash);

    /** The kinds twemproxy offers. */
    enum Kind {
        KETAMA,
        MODULA,
        RANDOM;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Builds the distribution over the live servers. twemproxy sorts a pool's servers by name when it reads its
         * configuration (shorter names first, then byte by byte), and modula deals keys out in that order, so the
         * servers are put in that order here, whatever the order of the configuration.
         */
        public Distribution build(List<RingServer> live) {
            if (live.isEmpty()) {
                throw new IllegalArgumentException("no live servers");
            }
            List<RingServer> ordered = live.stream().sorted(TWEMPROXY_ORDER).toList();
            return switch (this) {
                case KETAMA -> Ketama.build(ordered);
                case MODULA -> Modula.build(ordered);
                case RANDOM -> new RandomDistribution(ordered);
            };
        }
    }

    /** twemproxy's {@code string_compare} on server names: by length, then as unsigned bytes. */
    Comparator<RingServer> TWEMPROXY_ORDER = (a, b) -> {
        byte[] x = a.name().getBytes(StandardCharsets.UTF_8);
        byte[] y = b.name().getBytes(StandardCharsets.UTF_8);
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        return Arrays.compareUnsigned(x, y);
    };
}
