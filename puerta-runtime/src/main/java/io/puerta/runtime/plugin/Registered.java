package io.puerta.runtime.plugin;

/** A factory together with the plugin that provided it. */
public record Registered<T>(String name, T factory, PluginDescriptor plugin) {}
