package io.puerta.runtime.access;

import java.nio.charset.StandardCharsets;

/**
 * A key pattern of a user's rights, in Redis's glob syntax ({@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]},
 * {@code \} to escape): {@code app:*} allows every key starting with {@code app:}. Matched byte by byte, in time
 * proportional to key length times pattern length (the last {@code *} is the only backtracking point), so no key a
 * client sends can make a match slow.
 */
public final class KeyPattern {

    private final String text;
    private final byte[] pattern;
    /** The pattern's literal prefix when it is {@code prefix*} (the common case), else null. */
    private final byte[] prefix;

    private KeyPattern(String text) {
        this.text = text;
        this.pattern = text.getBytes(StandardCharsets.UTF_8);
        this.prefix = simplePrefix(pattern);
    }

    public static KeyPattern of(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty key pattern matches no key; use \"*\" for every key");
        }
        return new KeyPattern(text);
    }

    public boolean matches(byte[] key) {
        if (prefix != null) {
            if (key.length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (key[i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
        return glob(pattern, key);
    }

    @Override
    public String toString() {
        return text;
    }

    private static byte[] simplePrefix(byte[] pattern) {
        int last = pattern.length - 1;
        if (last < 0 || pattern[last] != '*') {
            return null;
        }
        for (int i = 0; i < last; i++) {
            byte b = pattern[i];
            if (b == '*' || b == '?' || b == '[' || b == '\\') {
                return null;
            }
        }
        return java.util.Arrays.copyOf(pattern, last);
    }

    private static boolean glob(byte[] p, byte[] s) {
        int pi = 0;
        int si = 0;
        int starP = -1;
        int starS = -1;
        while (si < s.length) {
            if (pi < p.length && p[pi] == '*') {
                starP = pi++;
                starS = si;
                continue;
            }
            if (pi < p.length) {
                int next = matchOne(p, pi, s[si]);
                if (next >= 0) {
                    pi = next;
                    si++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            pi = starP + 1;
            si = ++starS;
        }
        while (pi < p.length && p[pi] == '*') {
            pi++;
        }
        return pi == p.length;
    }

    /** Matches one byte against the pattern element at {@code pi}: the index after the element, or -1. */
    private static int matchOne(byte[] p, int pi, byte c) {
        byte b = p[pi];
        if (b == '?') {
            return pi + 1;
        }
        if (b == '\\' && pi + 1 < p.length) {
            return p[pi + 1] == c ? pi + 2 : -1;
        }
        if (b != '[') {
            return b == c ? pi + 1 : -1;
        }
        int i = pi + 1;
        boolean negate = i < p.length && p[i] == '^';
        if (negate) {
            i++;
        }
        boolean match = false;
        int u = c & 0xff;
        while (i < p.length && p[i] != ']') {
            if (p[i] == '\\' && i + 1 < p.length) {
                match |= (p[i + 1] & 0xff) == u;
                i += 2;
            } else if (i + 2 < p.length && p[i + 1] == '-' && p[i + 2] != ']') {
                int lo = Math.min(p[i] & 0xff, p[i + 2] & 0xff);
                int hi = Math.max(p[i] & 0xff, p[i + 2] & 0xff);
                match |= u >= lo && u <= hi;
                i += 3;
            } else {
                match |= (p[i] & 0xff) == u;
                i++;
            }
        }
        if (i >= p.length) {
            return b == c ? pi + 1 : -1; // an unclosed [ is a literal
        }
        return match != negate ? i + 1 : -1;
    }
}
