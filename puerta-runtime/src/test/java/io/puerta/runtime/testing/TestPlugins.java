package io.puerta.runtime.testing;

import io.puerta.spi.SpiVersion;
import java.nio.file.Path;

/** Real plugin jars built from the sources under src/test/resources/test-plugins. */
public final class TestPlugins {

    private TestPlugins() {}

    /** The routers plugin (test-split, test-throwing, test-probe) as a jar at {@code jar}. */
    public static Path routers(Path jar) {
        return new PluginJarBuilder()
                .tree("test-plugins/routers")
                .service("io.puerta.testplugin.TestPlugin")
                .manifest(SpiVersion.MANIFEST_ATTRIBUTE, Integer.toString(SpiVersion.major()))
                .build(jar);
    }
}
