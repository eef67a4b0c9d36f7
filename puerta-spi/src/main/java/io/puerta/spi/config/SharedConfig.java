package io.puerta.spi.config;

import static java.util.Objects.requireNonNull;

/**
 * One version of the configuration a fleet shares.
 *
 * @param text HOCON, laid over each instance's local file (an empty text means nothing is shared yet)
 * @param revision the source's revision of this version: later versions have greater revisions
 */
public record SharedConfig(String text, long revision) {
    /** Validates the components. */
    public SharedConfig {
        requireNonNull(text, "text is null");
    }
}
