package io.puerta.runtime.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}); a bare address is one host. */
public record Cidr(byte[] network, int prefix, String text) {

    /**
     * Parses {@code 192.168.0.0/16}, {@code ::1/128} or a single address; only literal addresses, never a name lookup.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (!looksLiteral(address)) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not an IP address or CIDR (expected e.g. 10.0.0.0/8)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: parsed, not resolved
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "': prefix length (expected: 0.." + bits + ")");
            }
        }
        return new Cidr(mask(bytes, prefix), prefix, trimmed);
    }

    /** Whether {@code address} is in this network (an IPv4 address never matches an IPv6 network, and back). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && java.util.Arrays.equals(mask(bytes, prefix), network);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefix == that.prefix && java.util.Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefix;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    /** A literal address only, so that InetAddress never looks a name up: dotted digits, or hex with colons. */
    private static boolean looksLiteral(String address) {
        String lower = address.toLowerCase(Locale.ROOT);
        if (lower.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return true;
        }
        return lower.contains(":") && lower.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
    }
}
