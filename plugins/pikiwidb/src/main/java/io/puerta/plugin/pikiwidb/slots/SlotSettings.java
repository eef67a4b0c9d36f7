package io.puerta.plugin.pikiwidb.slots;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.puerta.spi.PluginContext;
import io.puerta.spi.backend.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of {@code puerta.pikiwidb.slots}, with the slot table they describe (the ranges, then the overrides
 * of the moves a fleet completed) and the fleet's move under way, if any.
 */
record SlotSettings(SlotTable table, FleetMove move, int batch, Duration timeout, Duration pause, Duration grace) {

    /**
     * A move of a fleet, driven by {@code bin/puerta slots move} through the shared configuration.
     *
     * @param migrating false while preparing: every member holds requests for the slots; true once every member
     *     has acknowledged that: they go to {@code server}, their keys migrating first
     */
    record FleetMove(int id, int from, int to, Backend server, boolean migrating) {
        boolean covers(int slot) {
            return slot >= from && slot <= to;
        }

        String slots() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }

    private static final String PATH = "puerta.pikiwidb.slots.";

    /** Reads and checks the settings; every problem is reported in one exception. */
    static SlotSettings read(Config config, PluginContext context) {
        List<String> problems = new ArrayList<>();
        int count = config.getInt(PATH + "count");
        if (count < 1 || count > 65536) {
            throw new ConfigException.BadValue(PATH + "count", "expected 1 .. 65536 but got " + count);
        }
        String hashTag = config.getString(PATH + "hash-tag");
        if (!hashTag.isEmpty() && hashTag.length() != 2) {
            problems.add(PATH + "hash-tag: expected two characters such as \"{}\" (or \"\") but got '" + hashTag + "'");
        }
        Backend[] owners = new Backend[count];
        List<? extends Config> ranges = config.getConfigList(PATH + "ranges");
        assign(ranges, "ranges", owners, count, config, context, problems, false);
        // the moves a fleet completed, each over what came before
        assign(config.getConfigList(PATH + "overrides"), "overrides", owners, count, config, context, problems, true);
        List<String> unowned = new ArrayList<>();
        for (int slot = 0; slot < count && unowned.size() < 5; slot++) {
            if (owners[slot] == null) {
                unowned.add(Integer.toString(slot));
            }
        }
        if (!unowned.isEmpty() && problems.isEmpty()) {
            problems.add(PATH + "ranges: every slot from 0 to " + (count - 1) + " needs an owner; slots without one"
                    + " include " + String.join(", ", unowned));
        }
        int batch = config.getInt(PATH + "migration.batch");
        if (batch < 1) {
            problems.add(PATH + "migration.batch: expected >= 1 but got " + batch);
        }
        FleetMove move = move(config, count, context, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException.Generic(String.join("; ", problems));
        }
        return new SlotSettings(
                new SlotTable(owners, hashTag),
                move,
                batch,
                config.getDuration(PATH + "migration.timeout"),
                config.getDuration(PATH + "migration.pause"),
                config.getDuration(PATH + "migration.grace"));
    }

    /**
     * Gives each entry's slots to its server. Ranges may not overlap one another; overrides (moves done) may take
     * slots from what came before.
     */
    private static void assign(
            List<? extends Config> entries,
            String name,
            Backend[] owners,
            int count,
            Config config,
            PluginContext context,
            List<String> problems,
            boolean override) {
        Backend[] before = owners.clone();
        for (int i = 0; i < entries.size(); i++) {
            Config range = entries.get(i);
            String where = PATH + name + "[" + i + "]";
            int[] bounds = bounds(range.getString("slots"), count, where, problems);
            Backend server = server(range.getString("server"), config, context, where, problems);
            if (bounds == null || server == null) {
                continue;
            }
            for (int slot = bounds[0]; slot <= bounds[1]; slot++) {
                if (!override && owners[slot] != null && before[slot] == null) {
                    problems.add(where + ": slot " + slot + " is already given to " + owners[slot].address());
                    break;
                }
                owners[slot] = server;
            }
        }
    }

    /** The fleet's move under way ({@code move.id} 0: none). */
    private static FleetMove move(Config config, int count, PluginContext context, List<String> problems) {
        int id = config.getInt(PATH + "move.id");
        if (id == 0) {
            return null;
        }
        String where = PATH + "move";
        int[] bounds = bounds(config.getString(PATH + "move.slots"), count, where, problems);
        Backend server = server(config.getString(PATH + "move.server"), config, context, where, problems);
        String state = config.getString(PATH + "move.state");
        if (!state.equals("preparing") && !state.equals("migrating")) {
            problems.add(where + ".state: expected \"preparing\" or \"migrating\" but got '" + state + "'");
        }
        if (bounds == null || server == null) {
            return null;
        }
        return new FleetMove(id, bounds[0], bounds[1], server, state.equals("migrating"));
    }

    private static int[] bounds(String text, int count, String where, List<String> problems) {
        try {
            String[] parts = text.trim().split("-");
            int from = Integer.parseInt(parts[0].trim());
            int to = parts.length == 1 ? from : Integer.parseInt(parts[1].trim());
            if (parts.length > 2 || from < 0 || to >= count || from > to) {
                throw new NumberFormatException();
            }
            return new int[] {from, to};
        } catch (NumberFormatException e) {
            problems.add(where + ".slots: expected \"from-to\" or one slot within 0.." + (count - 1) + " but got '"
                    + text + "'");
            return null;
        }
    }

    /** A server by its address or its name in puerta.backends; a new address joins the backends. */
    private static Backend server(
            String text, Config config, PluginContext context, String where, List<String> problems) {
        for (Config backend : config.getConfigList("puerta.backends")) {
            String address = backend.getString("address");
            String name = backend.hasPath("name") ? backend.getString("name") : address;
            if (text.equals(address) || text.equals(name)) {
                return backendAt(address, context);
            }
        }
        int colon = text.lastIndexOf(':');
        if (colon > 0) {
            try {
                return backendAt(text, context);
            } catch (NumberFormatException e) {
                // falls through to the problem below
            }
        }
        problems.add(where + ".server: '" + text + "' is neither a host:port nor the name of a backend");
        return null;
    }

    private static Backend backendAt(String address, PluginContext context) {
        int colon = address.lastIndexOf(':');
        return context.backend(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }
}
