package io.puerta.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime's floor plan, enforced: its packages form one line, each using only those below it,
 *
 * <pre>
 * foundation (config, metrics, audit, access, plugin, transport, builtin) &lt; protocol (codecs) &lt; backend &lt; health
 *     &lt; pipeline &lt; frontdoor &lt; admin &lt; server &lt; cli
 * </pre>
 *
 * with no cycle between any two packages, front doors that do not know each other, and an SPI that depends on
 * nothing of the runtime. A new upward import or cycle fails here, naming the classes.
 */
class ArchitectureTest {

    private static final String RUNTIME = "io.puerta.runtime";

    /** Lowest first; each layer may use itself and those before it. */
    private static final List<String[]> LAYERS = List.of(
            packages("config", "metrics", "audit", "access", "plugin", "transport", "builtin"),
            packages("protocol"),
            packages("backend"),
            packages("health"),
            packages("pipeline"),
            packages("frontdoor"),
            packages("admin"),
            packages("server"),
            packages("cli"));

    private static JavaClasses runtime;

    @BeforeAll
    static void importClasses() {
        runtime = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(RUNTIME, "io.puerta.spi");
    }

    @Test
    void noLayerUsesOneAboveIt() {
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            String[] above = LAYERS.subList(i + 1, LAYERS.size()).stream()
                    .flatMap(Arrays::stream)
                    .toArray(String[]::new);
            noClasses()
                    .that()
                    .resideInAnyPackage(LAYERS.get(i))
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(above)
                    .because("the runtime is layered " + describe())
                    .check(runtime);
        }
    }

    @Test
    void noPackageCycles() {
        slices().matching(RUNTIME + ".(**)").should().beFreeOfCycles().check(runtime);
    }

    @Test
    void frontDoorsDoNotKnowEachOther() {
        noClasses()
                .that()
                .resideInAPackage(RUNTIME + ".frontdoor.resp..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(RUNTIME + ".frontdoor.mongo..")
                .check(runtime);
        noClasses()
                .that()
                .resideInAPackage(RUNTIME + ".frontdoor.mongo..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(RUNTIME + ".frontdoor.resp..")
                .check(runtime);
    }

    @Test
    void theCoreIsProtocolNeutral() {
        // the ring and routing stage, and the listener, know no protocol: front doors plug into them
        noClasses()
                .that()
                .resideInAnyPackage(RUNTIME + ".pipeline", RUNTIME + ".frontdoor")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(RUNTIME + ".protocol..", RUNTIME + ".backend.mongo..")
                .check(runtime);
        noClasses()
                .that()
                .resideInAPackage(RUNTIME + ".backend")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(RUNTIME + ".backend.mongo..")
                .check(runtime);
    }

    @Test
    void theSpiDependsOnNothingOfTheRuntime() {
        noClasses()
                .that()
                .resideInAPackage("io.puerta.spi..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(RUNTIME + "..")
                .check(runtime);
    }

    private static String[] packages(String... names) {
        return Arrays.stream(names).map(name -> RUNTIME + "." + name + "..").toArray(String[]::new);
    }

    private static String describe() {
        StringBuilder line = new StringBuilder();
        for (String[] layer : LAYERS) {
            if (line.length() > 0) {
                line.append(" < ");
            }
            line.append(Arrays.stream(layer)
                    .map(p -> p.substring(RUNTIME.length() + 1, p.length() - 2))
                    .reduce((a, b) -> a + ", " + b)
                    .orElseThrow());
        }
        return line.toString();
    }
}
