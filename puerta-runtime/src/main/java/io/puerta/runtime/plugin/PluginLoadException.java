package io.puerta.runtime.plugin;

import java.util.List;

/** Plugins that could not be loaded, each problem naming the file it concerns. */
public final class PluginLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public PluginLoadException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder text = new StringBuilder("could not load plugins: ");
        text.append(problems.size()).append(problems.size() == 1 ? " problem" : " problems");
        for (String problem : problems) {
            text.append(System.lineSeparator()).append("  - ").append(problem);
        }
        return text.toString();
    }
}
