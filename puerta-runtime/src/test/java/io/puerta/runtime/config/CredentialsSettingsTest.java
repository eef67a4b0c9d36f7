package io.puerta.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.puerta.spi.backend.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The auth blocks: a password, from the file or a file of its own, an optional user; never shown. */
class CredentialsSettingsTest {

    private static Credentials read(String hocon) {
        return SettingsReader.credentials("puerta.backend.auth", ConfigFactory.parseString(hocon));
    }

    @Test
    void aPasswordAloneOrWithAUser() {
        assertNull(read("username = \"\", password = \"\""), "no password: no login");
        Credentials password = read("password = s3cret");
        assertEquals(List.of("AUTH", "s3cret"), password.authCommand());
        assertEquals(Optional.empty(), password.username());
        Credentials user = read("username = app, password = s3cret");
        assertEquals(List.of("AUTH", "app", "s3cret"), user.authCommand());
        assertFalse(user.toString().contains("s3cret"), user.toString());
    }

    @Test
    void thePasswordMayComeFromAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, "from-file\n");
        assertEquals("from-file", read("password-file = \"" + file + "\"").password());
    }

    @Test
    void mistakesAreNamedWithoutTheSecret(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String both = assertThrows(
                        IllegalArgumentException.class, () -> read("password = s3cret, password-file = \"/x\""))
                .getMessage();
        assertEquals("puerta.backend.auth: set password or password-file, not both", both);
        String missing = assertThrows(
                        IllegalArgumentException.class, () -> read("password-file = \"" + dir.resolve("none") + "\""))
                .getMessage();
        assertTrue(missing.startsWith("puerta.backend.auth.password-file: cannot read"), missing);
        Files.writeString(dir.resolve("empty"), "  \n");
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> read("password-file = \"" + dir.resolve("empty") + "\""))
                .getMessage()
                .endsWith("is empty"));
        assertEquals(
                "puerta.backend.auth.username: user 'app' needs a password",
                assertThrows(IllegalArgumentException.class, () -> read("username = app"))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("pasword = s3cret"))
                .getMessage()
                .contains("unknown key 'pasword'"));
    }
}
