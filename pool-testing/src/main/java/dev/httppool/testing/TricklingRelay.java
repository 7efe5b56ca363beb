package dev.httppool.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP relay in front of another server that passes bytes through untouched until {@link #trickle} is
 * called; from then on it passes the server's bytes to the client one at a time, one every {@code every}. Below
 * TLS it trickles the bytes of each record, which no single read timeout of the client catches. Closed after the
 * test; every pump stops with its sockets, and at the latest after {@link Tarpits#STALL_LIMIT} of trickling.
 */
public final class TricklingRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Duration trickleEvery;

    private TricklingRelay(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** A relay on 127.0.0.1 to {@code 127.0.0.1:targetPort}. */
    public static TricklingRelay start(int targetPort) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TricklingRelay relay = new TricklingRelay(server, targetPort);
        Thread acceptor = new Thread(relay::acceptLoop, "trickling-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return relay;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on, the server's bytes reach the client one every {@code every}. */
    public void trickle(Duration every) {
        trickleEvery = every;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket();
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                sockets.add(client);
                sockets.add(target);
                pump(client, target, false);
                pump(target, client, true);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toClient) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread t = new Thread(() -> {
            long trickleDeadline = 0;
            try {
                int b;
                while ((b = in.read()) >= 0) {
                    Duration every = toClient ? trickleEvery : null;
                    if (every != null) {
                        long now = System.nanoTime();
                        trickleDeadline = trickleDeadline == 0 ? now + Tarpits.STALL_LIMIT.toNanos() : trickleDeadline;
                        if (now - trickleDeadline > 0) {
                            break;
                        }
                        TimeUnit.NANOSECONDS.sleep(every.toNanos()); // the trickle itself, not synchronisation
                    }
                    out.write(b);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // a side closed: stop
            }
            closeQuietly(from);
            closeQuietly(to);
        }, "trickling-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(TricklingRelay::closeQuietly);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
