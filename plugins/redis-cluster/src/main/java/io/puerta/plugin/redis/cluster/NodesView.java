package io.puerta.plugin.redis.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * One node's view of the cluster, as its CLUSTER NODES reply tells it: every node it knows, with its address, role,
 * master, configuration epoch and slots. The epoch is what makes views comparable: after a failover the promoted
 * replica claims its slots with a higher epoch than the failed master had, so the newest claim of each slot wins
 * however stale some of the views asked are (see {@link ViewMerge}).
 */
record NodesView(List<Entry> nodes) {

    /** One line of CLUSTER NODES. */
    record Entry(
            String id,
            String host,
            int port,
            boolean master,
            boolean failed,
            String masterId,
            long epoch,
            List<int[]> slots) {

        /** Whether requests may be sent to it at all: it has an address and is past the handshake. */
        boolean addressable() {
            return port > 0;
        }
    }

    /**
     * Parses a CLUSTER NODES reply. Lines look like
     * {@code id ip:port@cport[,hostname] flags master ping-sent pong-recv config-epoch link-state slot...}; an empty
     * ip (a node that does not know its own address yet) means {@code askedHost}. Slots in brackets are migrations in
     * progress, which the redirections handle: skipped.
     */
    static NodesView parse(String reply, String askedHost) {
        List<Entry> nodes = new ArrayList<>();
        for (String line : reply.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1];
            int comma = address.indexOf(',');
            if (comma >= 0) {
                address = address.substring(0, comma);
            }
            int at = address.indexOf('@');
            if (at >= 0) {
                address = address.substring(0, at);
            }
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            String host = address.substring(0, colon);
            int port;
            long epoch;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
                epoch = Long.parseLong(f[6]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (host.isEmpty()) {
                host = askedHost;
            }
            List<String> flags = List.of(f[2].split(","));
            if (flags.contains("handshake") || flags.contains("noaddr")) {
                port = 0;
            }
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                int[] range = range(f[i]);
                if (range != null) {
                    slots.add(range);
                }
            }
            nodes.add(new Entry(
                    f[0],
                    host,
                    port,
                    flags.contains("master"),
                    flags.contains("fail"),
                    f[3].equals("-") ? null : f[3],
                    epoch,
                    List.copyOf(slots)));
        }
        return new NodesView(List.copyOf(nodes));
    }

    /** {@code 0-5460} or {@code 5461}; null for a migration in brackets or anything unexpected. */
    private static int[] range(String token) {
        if (token.isEmpty() || token.charAt(0) == '[') {
            return null;
        }
        try {
            int dash = token.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? token : token.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(token.substring(dash + 1));
            if (from < 0 || to >= HashSlot.SLOTS || from > to) {
                return null;
            }
            return new int[] {from, to};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
