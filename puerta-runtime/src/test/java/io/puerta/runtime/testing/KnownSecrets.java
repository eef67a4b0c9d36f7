package io.puerta.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Secrets for tests, each new and recorded in {@code target/test-secrets.txt} of the module under test, so that
 * {@code ./test.sh} can grep the log of the whole run (every module's test output, at every level the tests log)
 * for every secret any test used: no secret may reach a log line, whichever test's code path logged it.
 */
public final class KnownSecrets {

    private static final Path RECORD = Path.of("target", "test-secrets.txt");

    private KnownSecrets() {}

    /** A new secret, {@code prefix-<uuid>}, recorded. */
    public static synchronized String make(String prefix) {
        String secret = prefix + "-" + UUID.randomUUID();
        try {
            Files.createDirectories(RECORD.getParent());
            Files.writeString(
                    RECORD,
                    secret + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return secret;
    }
}
