package io.puerta.runtime.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a real plugin jar at test time: compiles Java sources against the SPI on the test class path and packs
 * them with resources and a manifest, as a plugin author's build would.
 */
public final class PluginJarBuilder {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private final Map<String, String> manifest = new LinkedHashMap<>();

    public PluginJarBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** Adds every {@code .java} file (as sources) and every other file (as resources) under a test resource dir. */
    public PluginJarBuilder tree(String resourceDir) {
        Path root;
        try {
            root = Path.of(PluginJarBuilder.class
                    .getClassLoader()
                    .getResource(resourceDir)
                    .toURI());
        } catch (Exception e) {
            throw new IllegalArgumentException("no test resource directory " + resourceDir, e);
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String relative = root.relativize(file).toString().replace(File.separatorChar, '/');
                if (relative.endsWith(".java")) {
                    sources.put(relative.substring(0, relative.length() - 5).replace('/', '.'), Files.readString(file));
                } else {
                    resources.put(relative, Files.readAllBytes(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public PluginJarBuilder resource(String path, String content) {
        resources.put(path, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public PluginJarBuilder service(String implementation) {
        return resource("META-INF/services/io.puerta.spi.PuertaPlugin", implementation + "\n");
    }

    public PluginJarBuilder manifest(String attribute, String value) {
        manifest.put(attribute, value);
        return this;
    }

    /** Compiles and writes the jar to {@code jar}. */
    public Path build(Path jar) {
        try {
            Path work = Files.createTempDirectory("plugin-build");
            Path src = work.resolve("src");
            Path classes = work.resolve("classes");
            Files.createDirectories(classes);
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                files.add(file.toString());
            }
            if (!files.isEmpty()) {
                compile(files, classes);
            }
            Files.createDirectories(jar.toAbsolutePath().getParent());
            Manifest mf = new Manifest();
            mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream jarOut = new JarOutputStream(out, mf)) {
                try (Stream<Path> compiled = Files.walk(classes)) {
                    for (Path file : compiled.filter(Files::isRegularFile).toList()) {
                        put(
                                jarOut,
                                classes.relativize(file).toString().replace(File.separatorChar, '/'),
                                Files.readAllBytes(file));
                    }
                }
                for (Map.Entry<String, byte[]> resource : resources.entrySet()) {
                    put(jarOut, resource.getKey(), resource.getValue());
                }
            }
            RedisServerProcess.deleteQuietly(work);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void compile(List<String> files, Path classes) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of(
                "-d",
                classes.toString(),
                "-classpath",
                System.getProperty("java.class.path"),
                "--release",
                "17",
                "-nowarn"));
        args.addAll(files);
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int code = compiler.run(null, null, errors, args.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException("plugin sources did not compile:\n" + errors);
        }
    }

    private static void put(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(bytes);
        jar.closeEntry();
    }
}
