package io.puerta.runtime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code bin/puerta status} and {@code bin/puerta reload}: calls to a running Puerta's admin listener. */
final class AdminCall {

    /** Where the admin listener is, and its token ("" for none). */
    record Target(String host, int port, String token) {
        URI uri(String path) {
            String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
            return URI.create("http://" + h + ":" + port + path);
        }
    }

    private static final Pattern OUTCOME = Pattern.compile("\"outcome\":\"([a-z-]+)\"");
    private static final Pattern PROBLEMS = Pattern.compile("\"problems\":\\[(.*?)\\]");

    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    AdminCall(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int status(Target target) {
        HttpResponse<String> response = send(
                target,
                HttpRequest.newBuilder(target.uri("/status?format=text")).GET());
        if (response == null) {
            return 1;
        }
        if (response.statusCode() != 200) {
            err.println("puerta status: " + target.uri("/status") + " answered " + response.statusCode() + ": "
                    + response.body().strip());
            return 1;
        }
        out.print(response.body());
        return 0;
    }

    int reload(Target target) {
        HttpResponse<String> response =
                send(target, HttpRequest.newBuilder(target.uri("/reload")).POST(HttpRequest.BodyPublishers.noBody()));
        if (response == null) {
            return 1;
        }
        Matcher outcome = OUTCOME.matcher(response.body());
        if (!outcome.find()) {
            err.println("puerta reload: " + target.uri("/reload") + " answered " + response.statusCode() + ": "
                    + response.body().strip());
            return 1;
        }
        Matcher problems = PROBLEMS.matcher(response.body());
        String why = problems.find() && !problems.group(1).isEmpty() ? ": " + problems.group(1) : "";
        (outcome.group(1).equals("applied") ? out : err).println("reload " + outcome.group(1) + why);
        return outcome.group(1).equals("applied") ? 0 : 1;
    }

    private HttpResponse<String> send(Target target, HttpRequest.Builder request) {
        if (!target.token().isEmpty()) {
            request.header("Authorization", "Bearer " + target.token());
        }
        try {
            // a reload may take the admin listener's whole deadline (35 s): wait a little longer
            return http.send(request.timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("puerta: cannot reach the admin listener at " + target.uri("/") + " (" + e.getMessage()
                    + "); is Puerta running with admin.port set? (--admin HOST:PORT or --config FILE say where)");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
