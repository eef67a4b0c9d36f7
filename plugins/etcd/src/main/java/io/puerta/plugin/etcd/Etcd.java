package io.puerta.plugin.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.puerta.spi.PluginException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The etcd client of one source, and every call to it bounded by the configured timeout: jetcd waits for a
 * connection as long as it is let, and an unreachable etcd must cost a caller no more than the timeout.
 */
final class Etcd implements AutoCloseable {

    private final EtcdSettings settings;
    private final Client client;
    // until etcd has answered once, a call also connects (and a JVM just started loads gRPC): it may take longer
    private volatile boolean answered;

    Etcd(EtcdSettings settings) {
        this.settings = settings;
        ClientBuilder builder = Client.builder()
                .endpoints(settings.endpoints().toArray(URI[]::new))
                .connectTimeout(settings.timeout())
                // reconnect soon after etcd comes back, rather than after jetcd's longer default back-off
                .retryMaxDelay(1000)
                .retryChronoUnit(java.time.temporal.ChronoUnit.MILLIS)
                .retryMaxDuration(settings.timeout());
        if (!settings.user().isEmpty()) {
            builder.user(bytes(settings.user())).password(bytes(settings.password()));
        }
        this.client = builder.build();
    }

    Client client() {
        return client;
    }

    Duration timeout() {
        return settings.timeout();
    }

    /**
     * Waits for a call's answer, up to the timeout.
     *
     * @throws PluginException naming etcd and what failed, never a secret
     */
    <T> T await(CompletableFuture<T> call, String what) {
        T answer = await(call, what, answered ? settings.timeout() : firstCallTimeout());
        answered = true;
        return answer;
    }

    /** As {@link #await(CompletableFuture, String)}, up to {@code timeout}. */
    private <T> T await(CompletableFuture<T> call, String what, Duration timeout) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new PluginException(
                    "etcd did not answer in " + timeout.toMillis() + " ms (" + what + ", " + settings.describe() + ")");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PluginException(
                    "etcd failed to " + what + " (" + settings.describe() + "): " + summary(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new PluginException("interrupted while waiting for etcd to " + what);
        }
    }

    /**
     * How long the first call may take: it also connects, and in a JVM just started loads gRPC; a start must not
     * fail because that took longer than one call to a connected etcd.
     */
    private Duration firstCallTimeout() {
        Duration generous = settings.timeout().multipliedBy(5);
        return generous.compareTo(Duration.ofSeconds(10)) > 0 ? generous : Duration.ofSeconds(10);
    }

    /** One line about a failure: its kind and message, e.g. gRPC's status. */
    static String summary(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
