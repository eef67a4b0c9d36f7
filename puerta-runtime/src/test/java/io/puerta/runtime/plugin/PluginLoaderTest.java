package io.puerta.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.PluginJarBuilder;
import io.puerta.runtime.testing.TestPlugins;
import io.puerta.spi.SpiVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {

    @TempDir
    Path plugins;

    @Test
    void loadsADirectoryOfJarsAndALoneJarEachWithItsOwnClassLoader() throws Exception {
        TestPlugins.routers(plugins.resolve("routers/routers.jar"));
        Files.writeString(plugins.resolve("routers/README.txt"), "not a jar, ignored");
        new PluginJarBuilder()
                .source(
                        "solo.Solo",
                        """
                        package solo;
                        public final class Solo implements io.puerta.spi.PuertaPlugin {
                            @Override
                            public java.util.List<io.puerta.spi.health.HealthCheckerFactory> healthCheckerFactories() {
                                return java.util.List.of(new io.puerta.spi.health.HealthCheckerFactory() {
                                    public String name() { return "solo-check"; }
                                    public io.puerta.spi.health.HealthChecker create(
                                            com.typesafe.config.Config c, io.puerta.spi.PluginContext x) {
                                        return (b, t) -> io.puerta.spi.health.HealthResult.up("fine");
                                    }
                                });
                            }
                        }
                        """)
                .service("solo.Solo")
                .build(plugins.resolve("solo.jar"));

        LoadedPlugins loaded = new PluginLoader().load(plugins);

        assertEquals(
                Set.of("single-backend", "test-split", "test-throwing", "test-probe", "test-prelude", "test-tryagain"),
                loaded.routers().keySet());
        assertEquals(
                Set.of("tcp-connect", "solo-check"), loaded.healthCheckers().keySet());
        Registered<?> split = loaded.router("test-split").orElseThrow();
        assertEquals("routers", split.plugin().name());
        assertEquals(
                "solo",
                loaded.healthChecker("solo-check").orElseThrow().plugin().name());
        ClassLoader pluginLoader = split.factory().getClass().getClassLoader();
        assertTrue(pluginLoader instanceof PluginClassLoader);
        assertNotSame(
                pluginLoader,
                loaded.healthChecker("solo-check")
                        .orElseThrow()
                        .factory()
                        .getClass()
                        .getClassLoader());
        assertThrows(
                ClassNotFoundException.class,
                () -> pluginLoader.loadClass("io.netty.buffer.ByteBuf"),
                "a plugin must not see the runtime's libraries");
        assertEquals(2, loaded.pluginClassLoaders().size());
    }

    @Test
    void aFileThatIsNotAJarIsNamed() throws Exception {
        Path broken = plugins.resolve("broken.jar");
        Files.writeString(broken, "this is not a zip file");
        PluginLoadException e = assertThrows(PluginLoadException.class, () -> new PluginLoader().load(plugins));
        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith(broken + ": not a jar file"), e.getMessage());
    }

    @Test
    void aJarWithoutProviderIsNamed() {
        Path jar = new PluginJarBuilder()
                .source("lonely.Nothing", "package lonely; public final class Nothing {}")
                .build(plugins.resolve("lonely.jar"));
        PluginLoadException e = assertThrows(PluginLoadException.class, () -> new PluginLoader().load(plugins));
        assertTrue(e.getMessage().contains(jar + ": no provider of io.puerta.spi.PuertaPlugin found"), e.getMessage());
    }

    @Test
    void twoFactoriesWithOneNameAreBothNamed() {
        Path first = TestPlugins.routers(plugins.resolve("first/first.jar"));
        Path second = TestPlugins.routers(plugins.resolve("second/second.jar"));
        PluginLoadException e = assertThrows(PluginLoadException.class, () -> new PluginLoader().load(plugins));
        assertTrue(
                e.getMessage().contains("router 'test-split' is provided twice: by " + first + " and by " + second),
                e.getMessage());
    }

    @Test
    void aFactoryClashingWithABuiltInIsNamed() {
        Path jar = new PluginJarBuilder()
                .source(
                        "clash.Clash",
                        """
                        package clash;
                        public final class Clash implements io.puerta.spi.PuertaPlugin {
                            @Override
                            public java.util.List<io.puerta.spi.routing.RouterFactory> routerFactories() {
                                return java.util.List.of(new io.puerta.spi.routing.RouterFactory() {
                                    public String name() { return "single-backend"; }
                                    public io.puerta.spi.request.Protocol protocol() {
                                        return io.puerta.spi.request.Protocol.RESP;
                                    }
                                    public io.puerta.spi.routing.Router create(
                                            com.typesafe.config.Config c, io.puerta.spi.PluginContext x) {
                                        return null;
                                    }
                                });
                            }
                        }
                        """)
                .service("clash.Clash")
                .build(plugins.resolve("clash.jar"));
        PluginLoadException e = assertThrows(PluginLoadException.class, () -> new PluginLoader().load(plugins));
        assertEquals(List.of("router 'single-backend' is provided twice: by built-in and by " + jar), e.problems());
    }

    @Test
    void aJarBuiltForAnotherSpiMajorIsRefused() {
        Path jar = new PluginJarBuilder()
                .tree("test-plugins/routers")
                .service("io.puerta.testplugin.TestPlugin")
                .manifest(SpiVersion.MANIFEST_ATTRIBUTE, "99")
                .build(plugins.resolve("future.jar"));
        PluginLoadException e = assertThrows(PluginLoadException.class, () -> new PluginLoader().load(plugins));
        assertEquals(
                List.of(jar + ": built against Puerta SPI 99, but this runtime provides SPI " + SpiVersion.major()
                        + " (rebuild the plugin against puerta-spi " + SpiVersion.major() + ")"),
                e.problems());
    }

    @Test
    void aJarLinkedAgainstSpiTypesThisRuntimeLacksIsRefused() {
        // The jar carries its own io.puerta.spi.Legacy, but SPI packages always come from the runtime, which has
        // no such type: exactly what a plugin built against another SPI looks like at run time.
        Path jar = new PluginJarBuilder()
                .source("io.puerta.spi.Legacy", "package io.puerta.spi; public interface Legacy {}")
                .source(
                        "old.Old",
                        """
                        package old;
                        public final class Old implements io.puerta.spi.PuertaPlugin, io.puerta.spi.Legacy {}
                        """)
                .service("old.Old")
                .build(plugins.resolve("old.jar"));
        PluginLoadException e = assertThrows(PluginLoadException.class, () -> new PluginLoader().load(plugins));
        assertTrue(e.getMessage().contains(jar + ": built against an incompatible Puerta SPI"), e.getMessage());
    }

    @Test
    void anEmptyPluginDirectoryIsNamed() throws Exception {
        Files.createDirectories(plugins.resolve("empty"));
        PluginLoadException e = assertThrows(PluginLoadException.class, () -> new PluginLoader().load(plugins));
        assertEquals(List.of(plugins.resolve("empty") + ": plugin directory holds no .jar file"), e.problems());
    }

    @Test
    void aMissingDirectoryLeavesTheBuiltIns() {
        LoadedPlugins loaded = new PluginLoader().load(plugins.resolve("absent"));
        assertEquals(Set.of("single-backend"), loaded.routers().keySet());
    }
}
