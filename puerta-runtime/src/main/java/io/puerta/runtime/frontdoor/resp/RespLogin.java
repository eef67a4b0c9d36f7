package io.puerta.runtime.frontdoor.resp;

import io.netty.buffer.ByteBufAllocator;
import io.puerta.runtime.access.Authenticator;
import io.puerta.runtime.access.Rights;
import io.puerta.runtime.access.User;
import io.puerta.runtime.protocol.resp.RespRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * One RESP client's login to the proxy and its rights, when the proxy has users: AUTH and HELLO ... AUTH are
 * answered here (the password never goes further), nothing but PING and QUIT passes before a login, and after it
 * every command is held to the user's rights. Event loop only.
 */
final class RespLogin {

    static final String NOAUTH = "NOAUTH Authentication required.";
    static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, otherwise"
            + " the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the"
            + " RESP protocol version at the same time";

    /** What to do with one request. */
    sealed interface Verdict permits Pass, Answer, Check {}

    /** Route it as usual. */
    record Pass() implements Verdict {}

    /** Answer it with this error, here. */
    record Answer(String error) implements Verdict {}

    /**
     * A login being checked: later requests wait for the outcome; on success {@code then} is routed (a HELLO, rid of
     * its AUTH part) or, when null, +OK answered.
     */
    record Check(CompletableFuture<Authenticator.Outcome> outcome, RespRequest then) implements Verdict {}

    private static final Pass PASS = new Pass();

    private final Authenticator authenticator;
    private final Rights rights;
    private final String source;
    private User user;

    RespLogin(Authenticator authenticator, Rights rights, String source) {
        this.authenticator = authenticator;
        this.rights = rights;
        this.source = source;
    }

    /** Records a successful login: from now on requests run as {@code user}. */
    void loggedIn(User user) {
        this.user = user;
    }

    /** The verdict on {@code request}; the caller releases it unless it is passed on. */
    Verdict screen(RespRequest request, ByteBufAllocator alloc) {
        String name = request.name();
        if (name.equals("AUTH")) {
            return auth(request);
        }
        if (name.equals("HELLO")) {
            return hello(request, alloc);
        }
        if (user == null) {
            return name.equals("PING") || name.equals("QUIT") ? PASS : new Answer(NOAUTH);
        }
        String refusal = rights.refusal(user, request);
        return refusal == null ? PASS : new Answer(refusal);
    }

    private Verdict auth(RespRequest request) {
        int argc = request.argCount();
        if (argc != 2 && argc != 3) {
            return new Answer("ERR wrong number of arguments for 'auth' command");
        }
        String name = argc == 2 ? User.DEFAULT : request.argString(1);
        return new Check(authenticator.login("resp", name, request.argString(argc - 1), source), null);
    }

    /** HELLO [protover [AUTH username password] [SETNAME clientname]]. */
    private Verdict hello(RespRequest request, ByteBufAllocator alloc) {
        int argc = request.argCount();
        int authAt = -1;
        for (int i = 2; i < argc; i++) {
            String option = request.argString(i).toUpperCase(Locale.ROOT);
            if (option.equals("AUTH")) {
                authAt = i;
                break;
            }
            if (option.equals("SETNAME")) {
                i++; // its value is not an option
            }
        }
        if (authAt < 0) {
            return user == null ? new Answer(HELLO_NOAUTH) : PASS;
        }
        if (authAt + 2 >= argc) {
            return new Answer("ERR Syntax error in HELLO option 'auth'");
        }
        List<byte[]> rest = new ArrayList<>(argc - 2);
        for (int i = 0; i < argc; i++) {
            if (i < authAt || i > authAt + 2) {
                rest.add(request.argBytes(i));
            }
        }
        String name = request.argString(authAt + 1);
        String password = request.argString(authAt + 2);
        RespRequest stripped = RespRequest.of(request.client(), alloc, rest);
        return new Check(authenticator.login("resp", name, password, source), stripped);
    }
}
