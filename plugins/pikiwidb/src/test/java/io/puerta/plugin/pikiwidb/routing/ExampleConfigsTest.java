package io.puerta.plugin.pikiwidb.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.puerta.runtime.config.ConfigLoader;
import io.puerta.runtime.server.Configuration;
import io.puerta.runtime.server.PuertaServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pikiwidb configurations in examples/configs stay valid: what the README tells people to run must start. */
class ExampleConfigsTest {

    static Stream<Path> examples() throws Exception {
        Path dir = Path.of("../../examples/configs");
        try (Stream<Path> files = Files.list(dir)) {
            // this module's own examples; the distribution's smoke test checks all of them with every plugin
            List<Path> confs = files.filter(f -> f.getFileName().toString().startsWith("pikiwidb-"))
                    .filter(f -> f.toString().endsWith(".conf"))
                    .sorted()
                    .toList();
            assertFalse(confs.isEmpty(), "examples/configs holds configurations");
            return confs.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleIsValid(Path example) {
        Configuration configuration = Configuration.load(ConfigLoader.forFile(Optional.of(example)), Optional.empty());
        PuertaServer.checkPlugins(configuration);
    }
}
