package io.puerta.runtime.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Enumeration;
import java.util.List;

/**
 * One class loader per plugin. Its parent is the platform class loader, so a plugin sees the JDK and its own jars,
 * nothing of the runtime's libraries; the SPI and the few libraries in SPI signatures (slf4j, config) are
 * delegated to the runtime first so that both sides share one copy of those types.
 */
final class PluginClassLoader extends URLClassLoader {

    static final List<String> PARENT_FIRST_PACKAGES = List.of("io.puerta.spi.", "org.slf4j.", "com.typesafe.config.");

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader spiLoader;

    PluginClassLoader(String pluginName, URL[] jars, ClassLoader spiLoader) {
        super("puerta-plugin-" + pluginName, jars, ClassLoader.getPlatformClassLoader());
        this.spiLoader = spiLoader;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isParentFirst(name)) {
            return spiLoader.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
        if (isParentFirst(name.replace('/', '.'))) {
            return spiLoader.getResource(name);
        }
        return super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (isParentFirst(name.replace('/', '.'))) {
            return spiLoader.getResources(name);
        }
        return super.getResources(name);
    }

    private static boolean isParentFirst(String name) {
        for (String prefix : PARENT_FIRST_PACKAGES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
