package io.puerta.runtime.testing.diff;

import io.puerta.runtime.testing.RespConnection.Reply;
import java.util.List;

/**
 * The differences between one Redis server and Puerta that are there on purpose, as docs/commands.md lists them
 * under "Deliberate differences". The differential tester accepts these and nothing else.
 */
public final class DeliberateDifferences implements DifferentialRun.Deliberate {

    private DeliberateDifferences() {}

    public static final DeliberateDifferences THROUGH_PUERTA = new DeliberateDifferences();

    @Override
    public boolean covers(List<String> command, Reply direct, Reply proxy) {
        if (!proxy.isError()) {
            return false;
        }
        String error = proxy.text();
        // keys that must be together (a multi-key command the proxy does not split) but live in different slots
        // (redis-cluster, as Redis Cluster itself) or on different servers (pikiwidb): refused before any other
        // check, as Redis Cluster does (a wrong type included)
        if (error.startsWith("CROSSSLOT")) {
            return true;
        }
        // a command nobody knows: the proxy's error names the proxy, so that it is not taken for the server's
        if (error.startsWith("ERR unknown command") && direct.isError()) {
            return direct.text().startsWith("ERR unknown command");
        }
        return false;
    }
}
