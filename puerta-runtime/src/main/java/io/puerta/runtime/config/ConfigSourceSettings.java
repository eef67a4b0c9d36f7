package io.puerta.runtime.config;

import com.typesafe.config.Config;

/**
 * {@code puerta.config-source}: where the configuration an instance shares with its fleet comes from.
 *
 * @param kind {@code file} (this instance's file alone) or the name of a configuration-source plugin
 * @param member this instance's name in the fleet; empty: its listener's host:port
 * @param announce the host:port this instance announces to the fleet and to cluster clients; empty: its
 *     listener's
 */
public record ConfigSourceSettings(String kind, String member, String announce) {

    public static final String FILE = "file";

    /** Read from a configuration that may lack the plugins' settings (the source is known before they load). */
    public static ConfigSourceSettings read(Config config) {
        return new ConfigSourceSettings(
                config.getString("puerta.config-source.kind").trim(),
                config.getString("puerta.config-source.member").trim(),
                config.getString("puerta.config-source.announce").trim());
    }

    public boolean shared() {
        return !kind.equals(FILE);
    }
}
