package io.puerta.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this SPI. A plugin jar records the major version it was built against in its manifest
 * ({@value #MANIFEST_ATTRIBUTE}); the runtime refuses a jar whose major differs from {@link #major()}.
 */
public final class SpiVersion {

    /** The manifest attribute a plugin jar carries. */
    public static final String MANIFEST_ATTRIBUTE = "Puerta-Spi-Major";

    private static final int MAJOR = readMajor();

    private SpiVersion() {}

    /** The major version of the SPI on the class path. */
    public static int major() {
        return MAJOR;
    }

    // Read from a resource filtered by the build, so that the number lives only in the parent pom.
    private static int readMajor() {
        try (InputStream in = SpiVersion.class.getResourceAsStream("spi-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("spi-version.properties is missing from the SPI jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return Integer.parseInt(properties.getProperty("major").trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
