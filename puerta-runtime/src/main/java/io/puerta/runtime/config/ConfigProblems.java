package io.puerta.runtime.config;

import java.util.List;

/** Every problem found in a configuration, reported at once. Each entry names a path and what was expected. */
public final class ConfigProblems extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigProblems(String origin, List<String> problems) {
        super(format(origin, problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(String origin, List<String> problems) {
        StringBuilder text = new StringBuilder()
                .append("invalid configuration (")
                .append(origin)
                .append("): ")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        for (String problem : problems) {
            text.append(System.lineSeparator()).append("  - ").append(problem);
        }
        return text.toString();
    }
}
