package io.puerta.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.puerta.runtime.testing.TestPlugins;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    private Path config(String text) throws IOException {
        return Files.writeString(dir.resolve("puerta.conf"), text);
    }

    @Test
    void aListenPortInUseIsOneClearLineForCheckConfigAndForTheStart() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path file = config("puerta { listen.port = " + port + ", plugins.dir = \"" + dir + "\"\n"
                    + "backends = [ { address = \"127.0.0.1:1\" } ] }");
            String line = "puerta.listen.port: cannot listen on 127.0.0.1:" + port
                    + ": the address is already in use (is another Puerta or server listening there?)";
            assertEquals(1, run("check-config", "--config", file.toString()));
            assertTrue(err.toString().contains(line), err.toString());
            err.reset();
            assertEquals(1, run("run", "--config", file.toString()));
            assertTrue(err.toString().contains("cannot start Puerta: " + line), err.toString());
            assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
        }
    }

    @Test
    void hashPasswordPrintsAHashThatChecksThePasswordFromStandardInput() {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("correct horse\n".getBytes()));
            assertEquals(0, run("hash-password"));
        } finally {
            System.setIn(stdin);
        }
        String printed = out.toString().strip();
        assertTrue(printed.startsWith("pbkdf2-sha256:15000:"), printed);
        assertFalse(printed.contains("correct horse"));
        assertTrue(io.puerta.runtime.access.PasswordHash.parse(printed).matches("correct horse"));
    }

    @Test
    void checkConfigNamesEveryBadUserAndNoSecret() throws IOException {
        String secret = io.puerta.runtime.testing.KnownSecrets.make("hunter");
        Path bad = config("puerta { backends = [{ address = \"127.0.0.1:6379\" }], plugins.dir = \"" + dir + "\"\n"
                + "auth.users { a { password = \"pbkdf2-sha256:1:x:y\" }, b { password = " + secret
                + ", colour = red },"
                + " c { password = " + secret + ", commands = [get] } } }");
        assertEquals(1, run("check-config", "--config", bad.toString()));
        String errors = err.toString();
        assertTrue(errors.contains("puerta.auth.users.a.password: not a usable hash"), errors);
        assertTrue(errors.contains("puerta.auth.users.b: unknown key 'colour'"), errors);
        assertTrue(errors.contains("puerta.auth.users.c.commands: 'get' is not a rule"), errors);
        assertFalse(errors.contains(secret), errors);
        err.reset();
        Path keys = config("puerta { backends = [{ address = \"127.0.0.1:6379\" }], plugins.dir = \"" + dir + "\"\n"
                + "auth.users.d { password = " + secret + ", keys = [\"app:*\"] } }");
        assertEquals(1, run("check-config", "--config", keys.toString()));
        // single-backend forwards what it does not know: it cannot say which arguments are keys
        assertTrue(err.toString().contains("puerta.auth.users.d: its rights name keys"), err.toString());
    }

    @Test
    void statusAndReloadTalkToARunningPuertasAdminListener() throws Exception {
        String token = io.puerta.runtime.testing.KnownSecrets.make("cli-token");
        try (io.puerta.runtime.testing.RedisServerProcess redis = io.puerta.runtime.testing.RedisServerProcess.start();
                io.puerta.runtime.testing.TestProxy proxy = io.puerta.runtime.testing.TestProxy.start(
                        io.puerta.runtime.testing.TestProxy.backends(redis) + "\nadmin { port = 0, token = \"" + token
                                + "\" }",
                        null)) {
            Path cli = config("puerta.admin { port = " + proxy.adminPort() + ", token = \"" + token + "\" }");
            assertEquals(0, run("status", "--config", cli.toString()), err.toString());
            String status = out.toString();
            assertTrue(status.contains("router single-backend"), status);
            assertTrue(status.contains(redis.address()), status);
            assertTrue(status.contains("every request has a route") || status.contains("NOT READY"), status);
            assertEquals(1, run("reload", "--config", cli.toString()));
            assertTrue(err.toString().contains("reload no-file"), err.toString());
            err.reset();
            assertEquals(1, run("status", "--admin", "127.0.0.1:" + proxy.adminPort()));
            assertTrue(err.toString().contains("answered 401"), "no token: " + err);
            err.reset();
            assertEquals(1, run("status", "--admin", "127.0.0.1:1"));
            assertTrue(
                    err.toString().contains("cannot reach the admin listener at http://127.0.0.1:1/"), err.toString());
        }
    }

    @Test
    void helpAndBadUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("puerta check-config --config FILE"));
        assertEquals(2, run("--frobnicate"));
        assertTrue(err.toString().contains("unknown argument: --frobnicate"));
        assertEquals(2, run("run"));
        assertTrue(err.toString().contains("run needs --config FILE"));
    }

    @Test
    void checkConfigAcceptsAGoodFileAndListsEveryProblemOfABadOne() throws IOException {
        Path good = config("puerta { backends = [{ address = \"127.0.0.1:6379\" }], plugins.dir = \"" + dir + "\" }");
        assertEquals(0, run("check-config", "--config", good.toString()));
        assertTrue(out.toString().contains(": OK (router 'single-backend', 1 backend(s)"), out.toString());

        Path bad = config("puerta { listen.port = -1, router = nope, plugins.dir = \"" + dir + "\" }");
        assertEquals(1, run("check-config", "--config", bad.toString()));
        String errors = err.toString();
        assertTrue(errors.contains("puerta.listen.port: -1"), errors);
        assertTrue(errors.contains("puerta.router: no router named 'nope'; available: single-backend"), errors);
    }

    @Test
    void checkConfigRunsTheRoutersOwnValidation() throws IOException {
        Path noBackend = config("puerta { plugins.dir = \"" + dir + "\" }");
        assertEquals(1, run("check-config", "--config", noBackend.toString()));
        assertTrue(err.toString().contains("the single-backend router needs one backend"), err.toString());
    }

    @Test
    void pluginsListsEveryPluginAndFactory() throws IOException {
        TestPlugins.routers(dir.resolve("plugins/routers/routers.jar"));
        Path conf = config("puerta.plugins.dir = \"" + dir.resolve("plugins") + "\"");
        assertEquals(0, run("plugins", "--config", conf.toString()));
        String listing = out.toString();
        assertTrue(listing.contains("built-in  (built-in)"), listing);
        assertTrue(listing.contains("  router: single-backend  [resp]"), listing);
        assertTrue(listing.contains("routers  (" + dir.resolve("plugins/routers/routers.jar") + ")"), listing);
        assertTrue(listing.contains("  router: test-split  [resp]"), listing);
    }

    @Test
    void aBrokenPluginJarIsNamed() throws IOException {
        Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(dir.resolve("plugins/broken.jar"), "garbage");
        Path conf = config("puerta.plugins.dir = \"" + dir.resolve("plugins") + "\"");
        assertEquals(1, run("plugins", "--config", conf.toString()));
        assertTrue(err.toString().contains(dir.resolve("plugins/broken.jar") + ": not a jar file"), err.toString());
    }

    @Test
    void environmentVariablesNamedByTheReferenceOverrideTheFile() throws Exception {
        Path conf = config("puerta { backends = [{ address = \"127.0.0.1:6379\" }], plugins.dir = \"" + dir + "\" }");
        Process process = java(Map.of("PUERTA_ROUTER", "from-env"), "check-config", "--config", conf.toString());
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("puerta.router: no router named 'from-env'"), output);
    }

    @Test
    void systemPropertiesOverrideTheFile() throws Exception {
        Path conf = config("puerta { backends = [{ address = \"127.0.0.1:6379\" }], plugins.dir = \"" + dir + "\" }");
        Process process = java(Map.of(), "-Dpuerta.pipeline.ring-size=3", "check-config", "--config", conf.toString());
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("puerta.pipeline.ring-size: 3 (expected: a power of two)"), output);
    }

    /** Runs Main in a fresh JVM, so that environment and system properties are its own. */
    private static Process java(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> jvm = new ArrayList<>();
        List<String> program = new ArrayList<>();
        for (String arg : args) {
            (arg.startsWith("-D") ? jvm : program).add(arg);
        }
        command.addAll(jvm);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(program);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        return builder.start();
    }
}
