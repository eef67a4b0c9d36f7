package io.puerta.plugin.etcd;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings under {@code puerta.etcd}.
 *
 * @param prefix the fleet's key prefix, without a trailing slash
 * @param password empty for none; never logged or shown
 */
record EtcdSettings(
        List<URI> endpoints, String prefix, Duration leaseTtl, Duration timeout, String user, String password) {

    private static final String PATH = "puerta.etcd.";

    /** Reads and checks the settings; every problem is reported in one exception. */
    static EtcdSettings read(Config config) {
        List<String> problems = new ArrayList<>();
        List<URI> endpoints = new ArrayList<>();
        for (String text : config.getStringList(PATH + "endpoints")) {
            try {
                URI uri = URI.create(text.trim());
                if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
                    throw new IllegalArgumentException();
                }
                endpoints.add(uri);
            } catch (IllegalArgumentException e) {
                problems.add(PATH + "endpoints: expected URLs such as \"http://10.0.0.5:2379\" but got '" + text + "'");
            }
        }
        if (endpoints.isEmpty() && problems.isEmpty()) {
            problems.add(PATH + "endpoints: name at least one etcd client URL");
        }
        String prefix = config.getString(PATH + "prefix").trim();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (prefix.isEmpty() || !prefix.startsWith("/")) {
            problems.add(PATH + "prefix: expected a key prefix such as \"/puerta/prod\"");
        }
        Duration ttl = config.getDuration(PATH + "lease-ttl");
        if (ttl.toSeconds() < 2) {
            problems.add(PATH + "lease-ttl: expected at least 2s but got " + ttl);
        }
        Duration timeout = config.getDuration(PATH + "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            problems.add(PATH + "timeout: expected more than 0s");
        }
        String user = config.getString(PATH + "user");
        String password = config.getString(PATH + "password");
        String passwordFile = config.getString(PATH + "password-file");
        if (!passwordFile.isEmpty()) {
            if (!password.isEmpty()) {
                problems.add(PATH + "password and " + PATH + "password-file: give one of them");
            }
            try {
                password = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8)
                        .strip();
            } catch (IOException e) {
                problems.add(PATH + "password-file: cannot read " + passwordFile + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        if (user.isEmpty() != password.isEmpty()) {
            problems.add(PATH + "user and " + PATH + "password: give both, or neither");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException.Generic(String.join("; ", problems));
        }
        return new EtcdSettings(List.copyOf(endpoints), prefix, ttl, timeout, user, password);
    }

    String configKey() {
        return prefix + "/config";
    }

    /** Live members' announcements, each under its lease. */
    String membersPrefix() {
        return prefix + "/members/";
    }

    /** Every member that joined and has not left: kept when an announcement lapses, gone when it leaves. */
    String rosterPrefix() {
        return prefix + "/roster/";
    }

    /** The documents the fleet's tools keep beside the configuration. */
    String documentsPrefix() {
        return prefix + "/documents/";
    }

    /** Everything of this fleet. */
    String fleetPrefix() {
        return prefix + "/";
    }

    /** The endpoints and prefix, for logs: never the credentials. */
    String describe() {
        return "etcd " + String.join(",", endpoints.stream().map(URI::toString).toList()) + " " + prefix;
    }

    @Override
    public String toString() {
        return describe(); // a record's own toString would print the password
    }
}
