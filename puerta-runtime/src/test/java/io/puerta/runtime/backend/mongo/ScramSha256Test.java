package io.puerta.runtime.backend.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScramSha256Test {

    /** The example conversation of RFC 7677, section 3. */
    @Test
    void computesTheConversationOfRfc7677() throws Exception {
        ScramSha256 scram = new ScramSha256("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        assertEquals("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", scram.clientFirst());
        String serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        assertEquals(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                scram.clientFinal(serverFirst));
        scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void refusesAServerThatCannotProveItKnowsThePassword() throws Exception {
        ScramSha256 scram = new ScramSha256("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        scram.clientFirst();
        scram.clientFinal("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
        assertThrows(
                ScramSha256.ScramException.class,
                () -> scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
        ScramSha256 other = new ScramSha256("user", "pencil", "abc");
        other.clientFirst();
        assertThrows(ScramSha256.ScramException.class, () -> other.clientFinal("r=zzz,s=AAAA,i=4096"));
        assertThrows(ScramSha256.ScramException.class, () -> other.clientFinal("r=abcd,s=AAAA,i=10"));
    }

    @Test
    void preparesNonAsciiPasswordsWithSaslPrepMapping() {
        assertEquals("I X", ScramSha256.prepare("I\u00A0X")); // non-ASCII space to space
        assertEquals("IX", ScramSha256.prepare("I\u00ADX")); // soft hyphen mapped to nothing
        assertEquals("pencil", ScramSha256.prepare("pencil"));
        assertEquals("a", ScramSha256.prepare("\u00AA")); // NFKC
    }
}
