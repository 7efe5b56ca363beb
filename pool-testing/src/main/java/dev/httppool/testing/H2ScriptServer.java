package dev.httppool.testing;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A hostile or scripted HTTP/2 server at the frame level, over TLS ({@link TestTls}) with ALPN {@code h2}: it reads
 * the client's preface and frames itself, so a test can make it misbehave in ways a real server will not on
 * demand. Each accepted connection gets the {@link Mode} for its index (the last mode repeats):
 * <ul>
 *   <li>{@link Mode#ANSWER}: SETTINGS, then every request gets {@code 200} with body {@code ok};</li>
 *   <li>{@link Mode#GOAWAY_AFTER_TWO}: waits for two requests, answers the first, then sends GOAWAY naming the
 *       first as the last stream it processed, and answers nothing more;</li>
 *   <li>{@link Mode#SILENT}: sends its SETTINGS and then nothing at all (no SETTINGS ack, no PING ack, no
 *       response), as a server that stopped answering;</li>
 *   <li>{@link Mode#GOAWAY_WHEN_IDLE}: answers the first request, then sends GOAWAY at once (the connection idle);</li>
 *   <li>{@link Mode#REFUSE_FIRST}: resets the first stream with REFUSED_STREAM and answers the others;</li>
 *   <li>{@link Mode#PING_FLOOD}: after its SETTINGS sends {@link #FLOOD_PINGS} PINGs at once, then answers.</li>
 *   <li>{@link Mode#PING_BEFORE_SETTINGS}: sends a PING before its SETTINGS (a broken connection preface), then
 *       answers;</li>
 *   <li>{@link Mode#PADDED_BODY}: answers each request with {@link #PADDED_BODY_BYTES} bytes {@code x}, one per DATA
 *       frame padded to 256 bytes, honouring the client's stream and connection windows as it announced and
 *       updated them (padding counts against them): a client that does not give padding back stalls it;</li>
 *   <li>{@link Mode#WINDOW_IGNORED}: answers each request with a head and {@link #IGNORED_WINDOW_BYTES} bytes
 *       without END_STREAM, ignoring the connection window (not the stream's), so a few streams overrun it;</li>
 *   <li>{@link Mode#NO_SETTINGS}: completes the TLS handshake, reads the preface and then sends nothing, not even
 *       its SETTINGS;</li>
 *   <li>{@link Mode#HUGE_HEAD}: answers each request with a head holding one field of {@link #HUGE_FIELD_BYTES}
 *       bytes;</li>
 *   <li>{@link Mode#TRAILERS}: answers each request with {@code 200}, body {@code ok} and the trailer
 *       {@code x-checksum: ok};</li>
 *   <li>{@link Mode#STOPS_READING}: opens both of the client's send windows to their maximum, acks its SETTINGS,
 *       and once the first HEADERS arrived reads nothing more (nor answers): a client writing a large body
 *       there blocks in its socket write once the TCP buffers are full.</li>
 * </ul>
 * Responses use HPACK's static table only ({@code :status 200} is the single octet {@code 0x88}).
 */
public final class H2ScriptServer implements AutoCloseable {

    /** What the server does on one connection. */
    public enum Mode {
        ANSWER, GOAWAY_AFTER_TWO, SILENT, GOAWAY_WHEN_IDLE, REFUSE_FIRST, PING_FLOOD, PADDED_BODY, WINDOW_IGNORED,
        TRAILERS, NO_SETTINGS, HUGE_HEAD, PING_BEFORE_SETTINGS, STOPS_READING
    }

    /** The value length of the field {@link Mode#HUGE_HEAD} sends. */
    public static final int HUGE_FIELD_BYTES = 5_000;

    /** The PINGs {@link Mode#PING_FLOOD} sends. */
    public static final int FLOOD_PINGS = 5_000;
    /** The body bytes {@link Mode#PADDED_BODY} sends per request: 17.9 MB of frames, above both client windows. */
    public static final int PADDED_BODY_BYTES = 70_000;
    /** The bytes {@link Mode#WINDOW_IGNORED} sends per stream: 4 MiB. */
    public static final int IGNORED_WINDOW_BYTES = 4 << 20;

    private static final int PREFACE_LENGTH = 24;

    private final SSLServerSocket server;
    private final List<Mode> modes;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "h2-script-server");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger accepted = new AtomicInteger();
    /** Released by {@link #close()}: {@link Mode#STOPS_READING} connections wait on it. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Per connection, the ids of the streams whose HEADERS arrived. */
    private final List<List<Integer>> streams = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** The error codes of the GOAWAY frames the clients sent. */
    private final List<Integer> goAwayCodes = new CopyOnWriteArrayList<>();

    private H2ScriptServer(List<Mode> modes) throws IOException {
        this.modes = List.copyOf(modes);
        server = (SSLServerSocket) TestTls.get().serverContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SSLParameters params = server.getSSLParameters();
        params.setApplicationProtocols(new String[] {"h2"});
        server.setSSLParameters(params);
        threads.execute(this::acceptLoop);
    }

    /** A server whose n-th connection behaves as {@code modes[n]} (the last mode for all later ones). */
    public static H2ScriptServer start(Mode... modes) throws IOException {
        return new H2ScriptServer(List.of(modes));
    }

    public String url(String path) {
        return "https://127.0.0.1:" + server.getLocalPort() + path;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.get();
    }

    /** The stream ids whose HEADERS connection {@code index} received, in order. */
    public List<Integer> streamsOn(int index) {
        return index < streams.size() ? List.copyOf(streams.get(index)) : List.of();
    }

    /** The error codes of the GOAWAY frames received from clients, in order. */
    public List<Integer> goAwayCodes() {
        return List.copyOf(goAwayCodes);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) server.accept();
                int index = accepted.getAndIncrement();
                List<Integer> seen = new CopyOnWriteArrayList<>();
                streams.add(seen);
                sockets.add(s);
                Mode mode = modes.get(Math.min(index, modes.size() - 1));
                threads.execute(() -> serve(s, mode, seen));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket s, Mode mode, List<Integer> seen) {
        try (s) {
            s.startHandshake();
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            byte[] preface = new byte[PREFACE_LENGTH];
            in.readFully(preface);
            if (mode == Mode.NO_SETTINGS) {
                while (in.read(preface) >= 0) {
                    // silent until the client goes away
                }
                return;
            }
            if (mode == Mode.PING_BEFORE_SETTINGS) {
                frame(out, 6, 0, 0, new byte[8]);
            }
            if (mode == Mode.STOPS_READING) {
                byte[] settings = new byte[6];
                settings[1] = 4; // SETTINGS_INITIAL_WINDOW_SIZE
                putInt(settings, 2, Integer.MAX_VALUE);
                frame(out, 4, 0, 0, settings);
                byte[] increment = new byte[4];
                putInt(increment, 0, Integer.MAX_VALUE - 65_535);
                frame(out, 8, 0, 0, increment); // the connection window to its maximum
            } else {
                frame(out, 4, 0, 0, new byte[0]); // our SETTINGS: all defaults
            }
            if (mode == Mode.PING_FLOOD) {
                for (int i = 0; i < FLOOD_PINGS; i++) {
                    frame(out, 6, 0, 0, new byte[8]);
                }
            }
            out.flush();
            List<Integer> pending = new ArrayList<>();
            boolean goneAway = false;
            Windows windows = new Windows();
            for (;;) {
                int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int streamId = in.readInt() & 0x7fff_ffff;
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == 7 && length >= 8) {
                    goAwayCodes.add((payload[4] & 0xff) << 24 | (payload[5] & 0xff) << 16
                            | (payload[6] & 0xff) << 8 | payload[7] & 0xff);
                }
                if (mode == Mode.SILENT) {
                    continue;
                }
                if (mode == Mode.STOPS_READING) {
                    if (type == 4 && (flags & 1) == 0) {
                        frame(out, 4, 1, 0, new byte[0]); // SETTINGS ack
                        out.flush();
                    } else if (type == 1) {
                        seen.add(streamId);
                        awaitClose(); // reads nothing more until the server closes
                        return;
                    }
                    continue;
                }
                if (type == 4 && (flags & 1) == 0) {
                    windows.settings(payload);
                    frame(out, 4, 1, 0, new byte[0]); // SETTINGS ack
                } else if (type == 6 && (flags & 1) == 0) {
                    frame(out, 6, 1, 0, payload); // PING ack
                } else if (type == 8 && length == 4) {
                    windows.update(streamId, getInt(payload, 0) & 0x7fff_ffff);
                } else if (type == 1) {
                    seen.add(streamId);
                    if (mode == Mode.PADDED_BODY) {
                        frame(out, 1, 4, streamId, new byte[] {(byte) 0x88});
                        windows.start(streamId, PADDED_BODY_BYTES);
                    } else if (mode == Mode.WINDOW_IGNORED) {
                        frame(out, 1, 4, streamId, new byte[] {(byte) 0x88});
                        for (int sent = 0; sent < IGNORED_WINDOW_BYTES; sent += 16_384) {
                            frame(out, 0, 0, streamId, new byte[16_384]);
                        }
                    } else if (mode == Mode.HUGE_HEAD) {
                        byte[] head = new byte[1 + 7 + 3 + HUGE_FIELD_BYTES];
                        head[0] = (byte) 0x88; // :status 200
                        head[1] = 0; // literal without indexing, new name
                        head[2] = 5;
                        System.arraycopy("x-big".getBytes(StandardCharsets.US_ASCII), 0, head, 3, 5);
                        head[8] = 0x7f; // value length 5000 = 127 + 4873, in 7-bit groups
                        head[9] = (byte) (0x80 | (HUGE_FIELD_BYTES - 127) & 0x7f);
                        head[10] = (byte) ((HUGE_FIELD_BYTES - 127) >>> 7);
                        java.util.Arrays.fill(head, 11, head.length, (byte) 'a');
                        frame(out, 1, 5, streamId, head); // HEADERS END_STREAM END_HEADERS
                    } else if (mode == Mode.TRAILERS) {
                        frame(out, 1, 4, streamId, new byte[] {(byte) 0x88});
                        frame(out, 0, 0, streamId, "ok".getBytes(StandardCharsets.US_ASCII));
                        byte[] trailer = {0, 10, 'x', '-', 'c', 'h', 'e', 'c', 'k', 's', 'u', 'm', 2, 'o', 'k'};
                        frame(out, 1, 5, streamId, trailer); // HEADERS END_STREAM END_HEADERS, a literal field
                    } else if (mode == Mode.ANSWER || mode == Mode.PING_FLOOD || mode == Mode.PING_BEFORE_SETTINGS) {
                        answer(out, streamId);
                    } else if (mode == Mode.REFUSE_FIRST) {
                        if (seen.size() == 1) {
                            frame(out, 3, 0, streamId, new byte[] {0, 0, 0, 7}); // RST_STREAM REFUSED_STREAM
                        } else {
                            answer(out, streamId);
                        }
                    } else if (mode == Mode.GOAWAY_WHEN_IDLE) {
                        if (!goneAway) {
                            answer(out, streamId);
                            byte[] goAway = new byte[8];
                            putInt(goAway, 0, streamId);
                            frame(out, 7, 0, 0, goAway);
                            goneAway = true;
                        }
                    } else if (!goneAway) {
                        pending.add(streamId);
                        if (pending.size() == 2) {
                            answer(out, pending.get(0));
                            byte[] goAway = new byte[8];
                            putInt(goAway, 0, pending.get(0));
                            frame(out, 7, 0, 0, goAway); // GOAWAY NO_ERROR, last stream = the first
                            goneAway = true;
                        }
                    }
                }
                windows.pump(out);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away, or the server is closing
        }
    }

    /**
     * The client's receive windows as this server sees them, and the padded body it is sending within them: one
     * body byte per 256-byte DATA frame (pad length, the byte, 254 bytes of padding).
     */
    private static final class Windows {
        private long connection = 65_535;
        private long initialStream = 65_535;
        private long stream;
        private int streamId;
        private int remaining;

        void settings(byte[] payload) {
            for (int p = 0; p + 6 <= payload.length; p += 6) {
                if (((payload[p] & 0xff) << 8 | payload[p + 1] & 0xff) == 4) { // SETTINGS_INITIAL_WINDOW_SIZE
                    long value = getInt(payload, p + 2) & 0xffff_ffffL;
                    stream += value - initialStream;
                    initialStream = value;
                }
            }
        }

        void update(int id, int increment) {
            if (id == 0) {
                connection += increment;
            } else if (id == streamId) {
                stream += increment;
            }
        }

        void start(int id, int bytes) {
            streamId = id;
            stream = initialStream;
            remaining = bytes;
        }

        void pump(OutputStream out) throws IOException {
            while (remaining > 0 && connection >= 256 && stream >= 256) {
                byte[] payload = new byte[256];
                payload[0] = (byte) 254;
                payload[1] = 'x';
                remaining--;
                frame(out, 0, remaining == 0 ? 0x9 : 0x8, streamId, payload); // PADDED (and END_STREAM)
                connection -= 256;
                stream -= 256;
            }
        }
    }

    private void awaitClose() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int getInt(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | b[p + 3] & 0xff;
    }

    private static void answer(OutputStream out, int streamId) throws IOException {
        frame(out, 1, 4, streamId, new byte[] {(byte) 0x88}); // HEADERS :status 200, END_HEADERS
        frame(out, 0, 1, streamId, "ok".getBytes(StandardCharsets.US_ASCII)); // DATA, END_STREAM
    }

    private static void frame(OutputStream out, int type, int flags, int streamId, byte[] payload)
            throws IOException {
        byte[] head = new byte[9];
        head[0] = (byte) (payload.length >>> 16);
        head[1] = (byte) (payload.length >>> 8);
        head[2] = (byte) payload.length;
        head[3] = (byte) type;
        head[4] = (byte) flags;
        putInt(head, 5, streamId);
        out.write(head);
        out.write(payload);
    }

    private static void putInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }

    @Override
    public void close() throws IOException {
        stopped.countDown();
        server.close();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        threads.shutdownNow();
    }
}
