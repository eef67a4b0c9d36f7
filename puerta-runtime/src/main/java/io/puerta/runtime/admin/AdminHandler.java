package io.puerta.runtime.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.puerta.runtime.audit.Audit;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one admin request. {@code /health} and {@code /ready} are open (load balancers and kubelets carry no
 * token); with a token configured every other endpoint but the page itself, which holds no data, needs
 * {@code Authorization: Bearer <token>}. Answers that come from other threads are written when they arrive, with a
 * deadline, so a stuck routing stage costs a 503, never a hung request.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final long DEADLINE_SECONDS = 5;
    /** A reload may build a router that first asks the servers (a cluster's slots): longer than a status read. */
    private static final long RELOAD_DEADLINE_SECONDS = 35;

    private static final String JSON = "application/json; charset=utf-8";

    /** What every connection's handler shares. */
    record Shared(AdminView view, MetricsExposition metrics, String token) {}

    private final Shared shared;

    AdminHandler(Shared shared) {
        this.shared = shared;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        boolean asText = uri.parameters().getOrDefault("format", List.of()).contains("text");
        HttpMethod method = request.method();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean open =
                path.equals("/health") || path.equals("/ready") || path.equals("/") || path.equals("/status.html");
        if (!open && !authorized(request)) {
            FullHttpResponse refused = text(HttpResponseStatus.UNAUTHORIZED, "a bearer token is required\n");
            refused.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"puerta\"");
            send(ctx, refused, keepAlive);
            return;
        }
        boolean get = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        switch (path) {
            case "/health" -> {
                if (!get) {
                    send(ctx, notAllowed("GET"), keepAlive);
                } else {
                    boolean live = shared.view().live();
                    send(
                            ctx,
                            text(
                                    live ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                                    live ? "ok\n" : "not serving\n"),
                            keepAlive);
                }
            }
            case "/ready" -> later(ctx, keepAlive, get, "GET", shared.view().notReady(), reasons -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("ready", reasons.isEmpty());
                body.put("reasons", reasons);
                return json(reasons.isEmpty() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
            });
            case "/metrics" -> send(ctx, get ? metrics(ctx) : notAllowed("GET"), keepAlive);
            case "/status" -> later(
                    ctx,
                    keepAlive,
                    get,
                    "GET",
                    shared.view().status(),
                    status -> asText
                            ? text(HttpResponseStatus.OK, StatusText.render(status))
                            : json(HttpResponseStatus.OK, status));
            case "/config" -> send(
                    ctx,
                    get ? json(HttpResponseStatus.OK, shared.view().effectiveConfig()) : notAllowed("GET"),
                    keepAlive);
            case "/reload" -> {
                boolean post = method.equals(HttpMethod.POST);
                String source = source(ctx);
                CompletableFuture<Map<String, Object>> outcome = post
                        ? shared.view().reload("admin POST /reload from " + source)
                        : CompletableFuture.completedFuture(Map.of());
                later(ctx, keepAlive, post, "POST", outcome, result -> {
                    Audit.adminAction("reload", source, String.valueOf(result.get("outcome")));
                    HttpResponseStatus status =
                            switch (String.valueOf(result.get("outcome"))) {
                                case "applied", "partly-applied" -> HttpResponseStatus.OK;
                                case "no-file" -> HttpResponseStatus.CONFLICT;
                                default -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
                            };
                    return json(status, result);
                });
            }
            case "/", "/status.html" -> send(ctx, get ? page() : notAllowed("GET"), keepAlive);
            default -> send(
                    ctx,
                    text(
                            HttpResponseStatus.NOT_FOUND,
                            "no such endpoint: " + path
                                    + " (try /health, /ready, /metrics, /status, /config, POST /reload, or / for the page)\n"),
                    keepAlive);
        }
    }

    private boolean authorized(FullHttpRequest request) {
        if (shared.token().isEmpty()) {
            return true;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        String expected = "Bearer " + shared.token();
        return MessageDigest.isEqual(
                header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers once {@code future} completes, or with 503 after the deadline. */
    private <T> void later(
            ChannelHandlerContext ctx,
            boolean keepAlive,
            boolean methodAllowed,
            String allowed,
            CompletableFuture<T> future,
            java.util.function.Function<T, FullHttpResponse> respond) {
        if (!methodAllowed) {
            send(ctx, notAllowed(allowed), keepAlive);
            return;
        }
        long deadline = allowed.equals("POST") ? RELOAD_DEADLINE_SECONDS : DEADLINE_SECONDS;
        future.orTimeout(deadline, TimeUnit.SECONDS).whenComplete((value, error) -> {
            FullHttpResponse response;
            if (error != null) {
                response = text(HttpResponseStatus.SERVICE_UNAVAILABLE, "no answer: " + describe(error) + "\n");
            } else {
                try {
                    response = respond.apply(value);
                } catch (RuntimeException e) {
                    log.warn("admin request failed", e);
                    response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "failed: " + e + "\n");
                }
            }
            send(ctx, response, keepAlive);
        });
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        return cause instanceof java.util.concurrent.TimeoutException
                ? "the proxy did not answer in time"
                : String.valueOf(cause.getMessage());
    }

    private FullHttpResponse metrics(ChannelHandlerContext ctx) {
        ByteBuf body = ctx.alloc().buffer(16 * 1024);
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            shared.metrics().write(out);
        } catch (IOException | RuntimeException e) {
            body.release();
            log.warn("cannot write the metrics", e);
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot write the metrics: " + e + "\n");
        }
        return response(HttpResponseStatus.OK, shared.metrics().contentType(), body);
    }

    private static FullHttpResponse page() {
        try (InputStream in = AdminHandler.class.getResourceAsStream("status.html")) {
            if (in == null) {
                return text(HttpResponseStatus.NOT_FOUND, "the status page is missing from this build\n");
            }
            FullHttpResponse response = response(
                    HttpResponseStatus.OK, "text/html; charset=utf-8", Unpooled.wrappedBuffer(in.readAllBytes()));
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            return response;
        } catch (IOException e) {
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot read the status page\n");
        }
    }

    static FullHttpResponse json(HttpResponseStatus status, Object body) {
        return response(status, JSON, Unpooled.copiedBuffer(Json.write(body) + "\n", StandardCharsets.UTF_8));
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, "text/plain; charset=utf-8", Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    private static FullHttpResponse notAllowed(String allowed) {
        FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use " + allowed + "\n");
        response.headers().set(HttpHeaderNames.ALLOW, allowed);
        return response;
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String source(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address
                ? address.getAddress().getHostAddress()
                : "unknown";
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection from {} failed: {}", source(ctx), cause.toString());
        ctx.close();
    }
}
