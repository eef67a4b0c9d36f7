package io.puerta.runtime.protocol.resp;

import io.netty.buffer.ByteBuf;

/**
 * Command names as upper-case Strings, without a new String per request: the names a proxy sees are few, so each is
 * made once and found again by its bytes (a String of its own per request was 13% of the bytes allocated per GET).
 * Any thread: an entry is an immutable String, stored and read whole; two threads that make one name at once both
 * make it, and one of them keeps the place. Names that collide take turns; any name is still read right.
 */
final class CommandNames {

    static final int MAX_CACHED_LENGTH = 32;
    private static final int PLACES = 512; // a power of two

    private static final String[] CACHE = new String[PLACES];

    private CommandNames() {}

    /** The upper-case name in {@code length} bytes from {@code from} (an absolute index) of {@code frame}. */
    static String upperCase(ByteBuf frame, int from, int length) {
        if (length > MAX_CACHED_LENGTH) {
            return make(frame, from, length);
        }
        int hash = 0; // String.hashCode of the upper-case name
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + upper(frame.getByte(from + i));
        }
        int place = (hash ^ (hash >>> 16)) & (PLACES - 1);
        String cached = CACHE[place];
        if (cached != null && matches(cached, frame, from, length)) {
            return cached;
        }
        String made = make(frame, from, length);
        CACHE[place] = made;
        return made;
    }

    private static boolean matches(String name, ByteBuf frame, int from, int length) {
        if (name.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) != upper(frame.getByte(from + i))) {
                return false;
            }
        }
        return true;
    }

    private static String make(ByteBuf frame, int from, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = upper(frame.getByte(from + i));
        }
        return new String(chars);
    }

    private static char upper(byte b) {
        return (char) (b >= 'a' && b <= 'z' ? b - ('a' - 'A') : b & 0xff);
    }
}
