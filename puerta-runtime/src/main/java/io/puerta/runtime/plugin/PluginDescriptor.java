package io.puerta.runtime.plugin;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a plugin came from: its name (directory or jar name), its jars, and the class loader its code runs with.
 * Built-in plugins have no jars and use the runtime's class loader.
 */
public record PluginDescriptor(String name, List<Path> jars, ClassLoader classLoader) {
    public PluginDescriptor {
        jars = List.copyOf(jars);
    }

    public boolean builtIn() {
        return jars.isEmpty();
    }

    /** The jar(s) as shown in messages. */
    public String location() {
        if (jars.isEmpty()) {
            return "built-in";
        }
        if (jars.size() == 1) {
            return jars.get(0).toString();
        }
        return jars.get(0).getParent().toString();
    }
}
