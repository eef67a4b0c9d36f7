package io.puerta.runtime.protocol.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line ("SET k v", as typed into telnet) into arguments: blanks separate, and double or
 * single quotes group, with backslash escapes inside double quotes, as Redis's own inline parser does.
 */
final class InlineCommand {

    private InlineCommand() {}

    /** The arguments, or null when the quotes are unbalanced. */
    static List<byte[]> split(byte[] line) {
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        int n = line.length;
        while (true) {
            while (i < n && isBlank(line[i])) {
                i++;
            }
            if (i >= n) {
                return args;
            }
            ByteArrayOutputStream arg = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            while (true) {
                if (i >= n) {
                    if (inDouble || inSingle) {
                        return null;
                    }
                    break;
                }
                byte b = line[i];
                if (inDouble) {
                    if (b == '\\' && i + 1 < n) {
                        i++;
                        arg.write(unescape(line[i]));
                    } else if (b == '"') {
                        if (i + 1 < n && !isBlank(line[i + 1])) {
                            return null; // a closing quote must be followed by a blank
                        }
                        inDouble = false;
                    } else {
                        arg.write(b);
                    }
                } else if (inSingle) {
                    if (b == '\'') {
                        if (i + 1 < n && !isBlank(line[i + 1])) {
                            return null;
                        }
                        inSingle = false;
                    } else {
                        arg.write(b);
                    }
                } else if (isBlank(b)) {
                    break;
                } else if (b == '"') {
                    inDouble = true;
                } else if (b == '\'') {
                    inSingle = true;
                } else {
                    arg.write(b);
                }
                i++;
            }
            args.add(arg.toByteArray());
        }
    }

    private static byte unescape(byte b) {
        return switch (b) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'b' -> '\b';
            case 'a' -> 7;
            default -> b;
        };
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
