package io.puerta.runtime.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Disruptor wait strategies that can be chosen by name in {@code puerta.pipeline.wait-strategy}. */
public enum WaitStrategyName {
    BLOCKING,
    SIGNAL_WHEN_ASLEEP,
    TIMEOUT_BLOCKING,
    SLEEPING,
    YIELDING,
    BUSY_SPIN;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<WaitStrategyName> fromConfigName(String name) {
        return Arrays.stream(values()).filter(v -> v.configName().equals(name)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(WaitStrategyName::configName).collect(Collectors.joining(", "));
    }
}
