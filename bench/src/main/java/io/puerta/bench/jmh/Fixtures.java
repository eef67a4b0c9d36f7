package io.puerta.bench.jmh;

import io.puerta.spi.request.ClientInfo;

/** What several benchmarks share. */
final class Fixtures {

    static final ClientInfo CLIENT = new ClientInfo() {
        @Override
        public long connectionId() {
            return 1;
        }

        @Override
        public String remoteHost() {
            return "127.0.0.1";
        }

        @Override
        public int remotePort() {
            return 40000;
        }
    };

    private Fixtures() {}

    /** {@code count} pipelined SET commands, as a client sends them. */
    static byte[] pipelinedSets(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String key = "key:" + (100_000 + i);
            text.append("*3\r\n$3\r\nSET\r\n$")
                    .append(key.length())
                    .append("\r\n")
                    .append(key);
            text.append("\r\n$5\r\nvalue\r\n");
        }
        return text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
