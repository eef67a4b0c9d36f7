package io.puerta.runtime.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A RESP peer on loopback that answers every command with what a script says, for replies a real server gives only
 * in situations a unit test cannot arrange (a cluster node's {@code -MOVED} or {@code -ASK}). Not a database: tests
 * that need data use a real redis-server.
 */
public final class ScriptedRespPeer implements AutoCloseable {

    private final ServerSocket server;
    private final Function<List<String>, String> script;
    private final AtomicInteger commands = new AtomicInteger();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();

    private ScriptedRespPeer(Function<List<String>, String> script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        Thread acceptor = new Thread(this::accept, "scripted-resp-peer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a peer that answers each command (its arguments) with the RESP reply {@code script} returns. */
    public static ScriptedRespPeer start(Function<List<String>, String> script) throws IOException {
        return new ScriptedRespPeer(script);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Commands received so far. */
    public int commands() {
        return commands.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                clients.add(client);
                Thread reader = new Thread(() -> serve(client), "scripted-resp-peer-client");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream out = client.getOutputStream();
            String header;
            while ((header = in.readLine()) != null) {
                int count = Integer.parseInt(header.substring(1));
                List<String> args = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    in.readLine(); // $length
                    args.add(in.readLine());
                }
                commands.incrementAndGet();
                out.write(script.apply(args).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | RuntimeException closed) {
            // the proxy closed the connection, or the peer is closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
    }
}
