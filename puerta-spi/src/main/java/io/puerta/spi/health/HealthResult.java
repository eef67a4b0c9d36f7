package io.puerta.spi.health;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one probe.
 *
 * @param healthy whether the backend answered as a healthy server should
 * @param detail a short human-readable reason, shown in logs and the status API
 */
public record HealthResult(boolean healthy, String detail) {
    /** Validates the components. */
    public HealthResult {
        requireNonNull(detail, "detail is null");
    }

    /** A passed check. */
    public static HealthResult up(String detail) {
        return new HealthResult(true, detail);
    }

    /** A failed check, with the reason. */
    public static HealthResult down(String detail) {
        return new HealthResult(false, detail);
    }
}
