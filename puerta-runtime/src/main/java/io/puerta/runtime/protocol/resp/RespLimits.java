package io.puerta.runtime.protocol.resp;

/** Limits the request decoder enforces before it buffers a request whole. */
public record RespLimits(int maxArrayLength, int maxBulkBytes, int maxInlineBytes, long maxRequestBytes) {}
