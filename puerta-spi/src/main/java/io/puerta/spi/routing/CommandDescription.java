package io.puerta.spi.routing;

import java.util.List;
import java.util.Set;

/**
 * What a RESP command is, as far as a user's rights go ({@link CommandDescriber}).
 *
 * @param categories its ACL categories, lower case and without the {@code @} ({@code read}, {@code write},
 *     {@code keyspace}, {@code dangerous}, ...), as the servers' {@code COMMAND} reply lists them
 * @param writes whether it may change data (a read-only user is refused it)
 * @param keys the argument indexes of its keys: empty for a command without keys, null when the arguments do not
 *     fit the command (too few, a bad numkeys), so that its keys cannot be told
 */
public record CommandDescription(Set<String> categories, boolean writes, List<Integer> keys) {

    public CommandDescription {
        categories = Set.copyOf(categories);
        keys = keys == null ? null : List.copyOf(keys);
    }
}
