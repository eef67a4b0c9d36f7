package io.puerta.spi.backend;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a connection to a backend logs in with: a password, and a user name for servers with users (Redis ACL
 * {@code AUTH user password}). Every connection the runtime or a plugin opens to the backend uses them. The password
 * is a secret: {@link #toString} never shows it, and nothing may log or return it.
 */
public final class Credentials {

    private final String username;
    private final String password;

    private Credentials(String username, String password) {
        this.username = username;
        this.password = requireNonNull(password, "password is null");
    }

    /** A password alone (Redis {@code requirepass}, {@code AUTH password}). */
    public static Credentials password(String password) {
        return new Credentials(null, password);
    }

    /** A user and its password (Redis ACL, {@code AUTH user password}). */
    public static Credentials user(String username, String password) {
        return new Credentials(requireNonNull(username, "username is null"), password);
    }

    /** The user, if the server has users; empty for the default user. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** The password: a secret, for the login command only. */
    public String password() {
        return password;
    }

    /** The Redis login command: {@code AUTH [user] password}. */
    public List<String> authCommand() {
        List<String> command = new ArrayList<>(3);
        command.add("AUTH");
        if (username != null) {
            command.add(username);
        }
        command.add(password);
        return command;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Credentials that
                && java.util.Objects.equals(username, that.username)
                && password.equals(that.password);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(username, password);
    }

    @Override
    public String toString() {
        return "Credentials[" + (username == null ? "default user" : "user " + username) + ", password hidden]";
    }
}
