package io.puerta.runtime.backend.mongo;

/**
 * The user the proxy authenticates its own mongos connections as (per-message mode), with SCRAM-SHA-256.
 *
 * @param source the database that holds the user ({@code admin} usually)
 */
public record MongoCredentials(String username, String password, String source) {
    @Override
    public String toString() {
        return "MongoCredentials[" + username + "@" + source + ", password hidden]";
    }
}
