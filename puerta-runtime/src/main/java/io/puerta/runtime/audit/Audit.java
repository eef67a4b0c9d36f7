package io.puerta.runtime.audit;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: security-relevant events, one JSON object per line, on the logger {@value #LOGGER} (the
 * distribution writes it to logs/audit.log of its own). Events carry who and what, never a secret: configuration
 * changes name the keys that changed, not their values.
 */
public final class Audit {

    /** The logger name; route it to a file of its own. */
    public static final String LOGGER = "puerta.audit";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private Audit() {}

    /** A client connection refused at the door (allow-list, client limits). */
    public static void connectionRefused(String source, String reason) {
        event("connection-refused", "source", source, "reason", reason);
    }

    /**
     * A client's login to the proxy: the user it named and where it came from, never the password.
     *
     * @param protocol the front door ({@code resp}, {@code mongo})
     * @param reason why it failed (no such user, wrong password), or null for a success
     */
    public static void authentication(String protocol, String user, String source, String reason) {
        if (reason == null) {
            event("auth-succeeded", "protocol", protocol, "user", user, "source", source);
        } else {
            event("auth-failed", "protocol", protocol, "user", user, "source", source, "reason", reason);
        }
    }

    /** Something an operator did through the admin listener (a reload), from where, and how it ended. */
    public static void adminAction(String action, String source, String outcome) {
        event("admin-action", "action", action, "source", source, "outcome", outcome);
    }

    /**
     * A changed configuration file, applied or not: the settings that changed (their paths, never their values),
     * and why it was not applied.
     */
    public static void configChanged(String file, List<String> keys, boolean applied, String why) {
        StringBuilder json = start(applied ? "config-applied" : "config-rejected")
                .append(",\"file\":")
                .append(quote(file))
                .append(",\"keys\":")
                .append(quoteAll(keys));
        if (why != null) {
            json.append(",\"why\":").append(quote(why));
        }
        log.info(json.append('}').toString());
    }

    /** A changed configuration file that could not be read or validated (problems name settings, never secrets). */
    public static void configRejected(String file, String why) {
        configChanged(file, List.of(), false, why);
    }

    private static void event(String event, String... fields) {
        StringBuilder json = start(event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            json.append(',').append(quote(fields[i])).append(':').append(quote(fields[i + 1]));
        }
        log.info(json.append('}').toString());
    }

    /** {"time":"...","event":"..." : every line says when, so the file needs no layout of its own. */
    private static StringBuilder start(String event) {
        return new StringBuilder("{\"time\":")
                .append(quote(java.time.Instant.now().toString()))
                .append(",\"event\":")
                .append(quote(event));
    }

    private static String quoteAll(List<String> values) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            json.append(i == 0 ? "" : ",").append(quote(values.get(i)));
        }
        return json.append(']').toString();
    }

    /** A JSON string: quotes, backslashes and control characters escaped. The admin listener's JSON uses it too. */
    public static String quote(String value) {
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
