package io.puerta.runtime.access;

import java.text.Normalizer;

/** SASLprep (RFC 4013), as far as passwords need it, for SCRAM on both sides and the hashes they share. */
public final class SaslPrep {

    private SaslPrep() {}

    /**
     * ASCII is kept as it is; anything else is NFKC-normalized with non-ASCII spaces mapped to a space and the
     * "mapped to nothing" characters dropped (RFC 4013's mapping and normalization, without its prohibition tables).
     */
    public static String prepare(String password) {
        boolean ascii = password.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        if (ascii) {
            return password;
        }
        StringBuilder mapped = new StringBuilder(password.length());
        password.codePoints().forEach(c -> {
            if (Character.isSpaceChar(c)) {
                mapped.append(' ');
            } else if (c != 0x00AD && !(c >= 0x200B && c <= 0x200D) && c != 0xFEFF) {
                mapped.appendCodePoint(c);
            }
        });
        return Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    }
}
