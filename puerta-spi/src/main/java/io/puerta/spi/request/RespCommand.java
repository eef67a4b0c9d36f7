package io.puerta.spi.request;

import java.nio.ByteBuffer;

/**
 * A RESP command: an array of arguments, the first of which is the command name. Which arguments are keys is the
 * router's business (a command table), so the view offers every argument.
 */
public interface RespCommand extends Request {

    /** The command name in upper case ASCII, e.g. {@code "GET"}. */
    String name();

    /** The number of arguments including the command name. */
    int argCount();

    /**
     * Argument {@code index} (0 is the command name) as a read-only buffer over the request bytes, positioned at the
     * start of the argument. Valid only during the call.
     */
    ByteBuffer arg(int index);

    /** Argument {@code index} copied into a new array. */
    byte[] argBytes(int index);

    /** Argument {@code index} decoded as UTF-8. */
    String argString(int index);

    /**
     * The RESP version the client spoke when it sent this command (2 unless it said {@code HELLO 3}): a reply the
     * router builds itself ({@code RouteDecision.respond}, a merger's result) must be in it. A RESP3 client's
     * forwarded requests are answered by servers in RESP3.
     */
    default int respVersion() {
        return 2;
    }

    @Override
    default Protocol protocol() {
        return Protocol.RESP;
    }
}
