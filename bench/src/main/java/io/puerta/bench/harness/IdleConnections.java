package io.puerta.bench.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds many idle client connections open to a proxy and measures what they cost it: its Java heap in use after a
 * full GC (read with jcmd), before and after, per connection.
 */
final class IdleConnections {

    /** Bytes of heap and of RSS per connection. */
    record Cost(int connections, double heapBytesPerConnection, double rssBytesPerConnection) {}

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private IdleConnections() {}

    static Cost measure(long pid, int port, int count) throws Exception {
        long heapBefore = usedHeapKb(pid);
        double rssBefore = ProcStats.rssMb(pid);
        List<Socket> sockets = new ArrayList<>(count);
        byte[] ping = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(10_000);
                sockets.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write(ping);
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] pong = in.readNBytes(7); // +PONG\r\n: the proxy has taken the connection in
                if (pong.length != 7) {
                    throw new IOException("connection " + i + " was not answered");
                }
            }
            TimeUnit.MILLISECONDS.sleep(500);
            long heapAfter = usedHeapKb(pid);
            double rssAfter = ProcStats.rssMb(pid);
            return new Cost(
                    count, (heapAfter - heapBefore) * 1024.0 / count, (rssAfter - rssBefore) * 1024 * 1024 / count);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** The heap in use after a full collection, in KB. */
    private static long usedHeapKb(long pid) throws Exception {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        long total = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            // one line per generation ("PSYoungGen total ..., used ...K"); Metaspace is not heap
            if (line.contains("total") && !line.contains("Metaspace") && !line.contains("class space")) {
                Matcher used = USED.matcher(line);
                if (used.find()) {
                    total += Long.parseLong(used.group(1));
                    found = true;
                }
            }
        }
        if (!found) {
            throw new IllegalStateException("unexpected GC.heap_info output:\n" + info);
        }
        return total;
    }

    private static String jcmd(long pid, String command) throws Exception {
        String javaHome = System.getProperty("java.home");
        Process process = new ProcessBuilder(javaHome + "/bin/jcmd", Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed:\n" + output);
        }
        return output;
    }
}
