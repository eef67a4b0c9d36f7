package io.puerta.plugin.redis.common.testing;

import io.puerta.runtime.testing.TestingClient;
import io.puerta.spi.request.ClientInfo;
import io.puerta.spi.request.RespCommand;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A hand-written {@link RespCommand} for router tests: the arguments as given, from client 1 on loopback. */
public final class TestingCommand implements RespCommand {

    private static final ClientInfo CLIENT = TestingClient.loopback(1);

    private final String[] args;
    private final int respVersion;

    private TestingCommand(String[] args, int respVersion) {
        this.args = args;
        this.respVersion = respVersion;
    }

    /** {@code TestingCommand.of("MGET", "a", "b")}. */
    public static TestingCommand of(String... args) {
        return new TestingCommand(args, 2);
    }

    /** As {@link #of}, from a client that said HELLO 3. */
    public static TestingCommand resp3(String... args) {
        return new TestingCommand(args, 3);
    }

    @Override
    public int respVersion() {
        return respVersion;
    }

    @Override
    public ClientInfo client() {
        return CLIENT;
    }

    @Override
    public String name() {
        return args[0].toUpperCase(Locale.ROOT);
    }

    @Override
    public int argCount() {
        return args.length;
    }

    @Override
    public ByteBuffer arg(int index) {
        return ByteBuffer.wrap(argBytes(index)).asReadOnlyBuffer();
    }

    @Override
    public byte[] argBytes(int index) {
        return args[index].getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String argString(int index) {
        return args[index];
    }
}
