package io.puerta.runtime.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How decoded requests reach the routing stage: {@code puerta.pipeline.mode}. */
public enum PipelineMode {
    /** A ring per I/O thread, drained by that thread once per turn of its event loop (the default). */
    RING_PER_LOOP("ring-per-loop"),
    /** One ring from every I/O thread to one routing thread. */
    RING("ring"),
    /** No ring: each I/O thread routes each request as it reads it (the benchmarks' baseline). */
    EVENT_LOOP("event-loop");

    private final String configName;

    PipelineMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static java.util.Optional<PipelineMode> byName(String name) {
        return Arrays.stream(values()).filter(m -> m.configName.equals(name)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(PipelineMode::configName).collect(Collectors.joining(", "));
    }
}
