package io.puerta.runtime.plugin;

import java.util.function.Supplier;

/**
 * Runs plugin code with the plugin's class loader as the thread context class loader, as libraries inside a
 * plugin (ServiceLoader users, config) expect.
 */
public final class PluginCalls {

    private PluginCalls() {}

    public static <T> T withContext(ClassLoader pluginLoader, Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        if (previous == pluginLoader) {
            return call.get();
        }
        thread.setContextClassLoader(pluginLoader);
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
