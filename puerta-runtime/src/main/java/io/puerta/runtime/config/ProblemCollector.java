package io.puerta.runtime.config;

import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Gathers configuration problems so that validation reports all of them, not just the first. */
public final class ProblemCollector {

    private final List<String> problems = new ArrayList<>();

    /** Reads a value; on a config error records it and returns {@code fallback} so reading can go on. */
    public <T> T read(Supplier<T> reader, T fallback) {
        try {
            return reader.get();
        } catch (ConfigException e) {
            add(describe(e));
            return fallback;
        }
    }

    public void add(String problem) {
        problems.add(problem);
    }

    public void addAll(List<String> more) {
        problems.addAll(more);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public void throwIfAny(String origin) {
        if (!problems.isEmpty()) {
            throw new ConfigProblems(origin, problems);
        }
    }

    /** Typesafe Config prefixes messages with the origin ("file: 3: ..."); keep the part that names path and type. */
    public static String describe(ConfigException e) {
        if (e instanceof ConfigException.ValidationFailed failed) {
            StringBuilder all = new StringBuilder();
            for (ConfigException.ValidationProblem problem : failed.problems()) {
                if (all.length() > 0) {
                    all.append("; ");
                }
                all.append(problem.path()).append(": ").append(problem.problem());
            }
            return all.toString();
        }
        return e.getMessage();
    }
}
