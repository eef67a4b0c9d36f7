package io.puerta.plugin.redis.common.command;

import io.puerta.plugin.redis.common.resp.BlockingRespClient;
import io.puerta.plugin.redis.common.resp.RespError;
import io.puerta.spi.backend.Backend;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks the servers what commands they have ({@code COMMAND}): the first that answers speaks for all. */
public final class CommandLearner {

    private static final Logger log = LoggerFactory.getLogger(CommandLearner.class);

    private CommandLearner() {}

    /**
     * The commands the first answering server describes, or null when none answers (or one refuses COMMAND: a server
     * that does not have it). Blocking: call it at startup or on a thread of its own, never on the routing stage.
     */
    public static List<LearnedCommand> ask(List<Backend> servers, Duration timeout) {
        for (Backend server : servers) {
            try (BlockingRespClient client = BlockingRespClient.connect(server, timeout)) {
                Object reply = client.call("COMMAND");
                if (reply instanceof RespError error) {
                    log.warn("{} refused COMMAND ({}); using the built-in command table", server, error.message());
                    return null;
                }
                List<LearnedCommand> learned = LearnedCommand.parse(reply);
                log.debug("{} described {} commands and subcommands", server.address(), learned.size());
                return learned;
            } catch (IOException | RuntimeException e) {
                log.debug("cannot read COMMAND from {}: {}", server.address(), e.getMessage());
            }
        }
        return null;
    }
}
