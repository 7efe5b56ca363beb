package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.*;

import dev.httppool.CloseReason;
import dev.httppool.Headers;
import dev.httppool.internal.exchange.ExchangeCodec.Head;
import dev.httppool.internal.exchange.UnprocessedRequestException;
import dev.httppool.internal.http2.Http2Health.PingTimeout;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The reader thread of one {@link Http2Connection}: reads every frame, sorts DATA and header blocks into streams,
 * applies the server's SETTINGS and window updates, answers PINGs, and handles GOAWAY (streams above its last stream
 * id fail as unprocessed, so they are retried elsewhere; the others finish). It reads through the connection's
 * health check ({@link Http2Health}), which ends a connection whose server stops answering.
 *
 * <p>What the server can make us send is bounded: at most {@link #MAX_ANSWERS} PING acks, SETTINGS acks and
 * RST_STREAMs for its stream errors per {@link #ANSWER_WINDOW_NANOS}; beyond that the connection ends with
 * {@code ENHANCE_YOUR_CALM}.
 */
final class Http2Reader implements Runnable, FrameReader.Handler {

    static final int MAX_ANSWERS = 1_000;
    static final long ANSWER_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Http2Connection c;
    private final FrameReader frames;
    /** Callers to wake once this thread is about to wait for the socket or write to it. */
    private final Wakeups wakeups;
    private final Http2Health health;
    /** The header block being gathered (HEADERS, then CONTINUATIONs), its stream and END_STREAM flag. */
    private byte[] block = new byte[1024];
    private int blockLength;
    private boolean blockEndsStream;
    private long answersWindowStart;
    private int answers;

    Http2Reader(Http2Connection c) {
        this.c = c;
        this.wakeups = new Wakeups(c.lock);
        this.health = new Http2Health(c, wakeups);
        this.frames = new FrameReader(health.input(c.in), Http2Connection.MAX_FRAME_SIZE,
                (int) Math.min(1 << 24, Math.max(16 * 1024, c.config.maxResponseHeaderBytes())));
        frames.expectPreface();
    }

    @Override
    public void run() {
        try {
            health.start();
            for (;;) {
                try {
                    if (!frames.nextFrame(this)) {
                        c.fail(new EOFException("server closed the HTTP/2 connection"), CloseReason.SERVER_CLOSED);
                        return;
                    }
                } catch (Http2Exception e) {
                    if (e.isConnectionError()) {
                        throw e;
                    }
                    answer();
                    send(TYPE_RST_STREAM, e.streamId(), e.errorCode());
                    failStream(e.streamId(), callersError(e));
                }
            }
        } catch (Http2Exception e) {
            c.failAfterGoAway(e); // sends the GOAWAY
        } catch (PingTimeout e) {
            c.fail(e, CloseReason.PING_TIMEOUT);
        } catch (IOException e) {
            PingTimeout expired = health.expired(); // the timer closed the channel under this read
            if (expired != null) {
                c.fail(expired, CloseReason.PING_TIMEOUT);
            } else {
                c.fail(e, CloseReason.BROKEN);
            }
        } catch (RuntimeException | Error e) {
            c.fail(new IOException("HTTP/2 reader failed: " + e, e), CloseReason.BROKEN);
            if (e instanceof Error) {
                throw (Error) e;
            }
        } finally {
            health.stop();
            wakeups.now();
        }
    }

    @Override
    public void data(int streamId, boolean endStream, byte[] buf, int off, int len, int flowControlled)
            throws IOException {
        int giveBack = 0;
        Http2Stream padded = null;
        c.lock.lock();
        try {
            if (c.connReceived + flowControlled > Http2Connection.CONNECTION_WINDOW) {
                throw Http2Exception.connectionError(FLOW_CONTROL_ERROR, "server sent " + flowControlled
                        + " bytes beyond the connection window of " + Http2Connection.CONNECTION_WINDOW);
            }
            c.connReceived += flowControlled;
            Http2Stream s = c.streams.get(streamId);
            if (s == null || s.done || s.remoteEnded) {
                // A stream we reset or finished: the bytes still count against the connection window.
                giveBack = c.creditConnectionLocked(flowControlled);
            } else {
                if (s.buffered + s.unacked + flowControlled > Http2Connection.STREAM_WINDOW) {
                    throw Http2Exception.streamError(streamId, FLOW_CONTROL_ERROR, "server sent " + flowControlled
                            + " bytes beyond the stream window of " + Http2Connection.STREAM_WINDOW);
                }
                if (!s.finalHeadSeen) {
                    throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "DATA before the response head");
                }
                if (len > 0) {
                    s.data.addLast(Arrays.copyOfRange(buf, off, off + len));
                    s.buffered += len;
                }
                if (endStream) {
                    s.remoteEnded = true;
                }
                if (flowControlled > len) {
                    padded = s;
                }
                wakeups.later(s);
            }
        } finally {
            c.lock.unlock();
        }
        if (giveBack > 0) {
            send(TYPE_WINDOW_UPDATE, 0, giveBack);
        }
        if (padded != null) {
            // Padding is never read by the caller: it goes back to both windows as if read at once (a write:
            // the callers marked for a wake-up are woken first).
            wakeups.now();
            c.writes.consumed(padded, flowControlled - len);
        }
    }

    @Override
    public void headers(int streamId, boolean endStream, byte[] buf, int off, int len, boolean endHeaders)
            throws IOException {
        blockLength = 0;
        blockEndsStream = endStream;
        continuation(streamId, buf, off, len, endHeaders);
    }

    @Override
    public void continuation(int streamId, byte[] buf, int off, int len, boolean endHeaders) throws IOException {
        if (blockLength + len > block.length) {
            block = Arrays.copyOf(block, Math.max(blockLength + len, 2 * block.length));
        }
        System.arraycopy(buf, off, block, blockLength, len);
        blockLength += len;
        if (endHeaders) {
            // Decoded even for a stream we no longer want: the HPACK table must stay in step.
            List<String> fields = c.decode(streamId, block, blockLength);
            deliver(streamId, fields, blockEndsStream);
        }
    }

    private void deliver(int streamId, List<String> fields, boolean endStream) throws IOException {
        boolean trailers;
        c.lock.lock();
        try {
            Http2Stream st = c.streams.get(streamId);
            trailers = st != null && st.finalHeadSeen; // written by this thread only
        } finally {
            c.lock.unlock();
        }
        ResponseFieldCheck check = new ResponseFieldCheck(trailers);
        long bytes = 0;
        Headers.Builder b = Headers.builder();
        for (int i = 0; i < fields.size(); i += 2) {
            String name = fields.get(i);
            String value = fields.get(i + 1);
            bytes += name.length() + value.length() + 32;
            check.field(name, value);
            if (name.startsWith(":")) {
                continue;
            }
            try {
                b.add(name, value);
            } catch (IllegalArgumentException e) {
                throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "bad header field " + name);
            }
        }
        String violation = check.violation();
        if (violation != null) {
            throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "malformed response: " + violation);
        }
        int status = check.status();
        c.lock.lock();
        try {
            Http2Stream s = c.streams.get(streamId);
            if (s == null || s.done) {
                return;
            }
            if (s.finalHeadSeen) {
                if (!endStream) {
                    throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "header block after the response head"
                            + " that is not a trailer");
                }
                s.trailers = b.build();
            } else {
                s.heads.addLast(new Head(status, "", "HTTP/2.0", b.build(), bytes, false));
                s.finalHeadSeen = status >= 200;
                if (!s.finalHeadSeen && endStream) {
                    throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "stream ended by an interim head");
                }
            }
            if (endStream) {
                s.remoteEnded = true;
            }
            wakeups.later(s);
        } finally {
            c.lock.unlock();
        }
    }

    private void send(int type, int streamId, long value) {
        wakeups.now();
        c.sendControl(type, streamId, value);
    }

    @Override
    public void settings(boolean ack, List<Setting> settings) throws IOException {
        if (ack) {
            return;
        }
        answer();
        c.lock.lock();
        try {
            for (Setting s : settings) {
                switch (s.id()) {
                    case SETTINGS_MAX_CONCURRENT_STREAMS -> c.peerMaxConcurrentStreams =
                            (int) Math.min(Integer.MAX_VALUE, s.value());
                    case SETTINGS_INITIAL_WINDOW_SIZE -> {
                        long delta = s.value() - c.peerInitialWindow;
                        for (Http2Stream st : c.streams.values()) {
                            st.sendWindow += delta;
                            if (st.sendWindow > MAX_WINDOW_SIZE) {
                                throw Http2Exception.connectionError(FLOW_CONTROL_ERROR,
                                        "SETTINGS_INITIAL_WINDOW_SIZE overflows the window of stream " + st.id);
                            }
                        }
                        c.peerInitialWindow = (int) s.value();
                    }
                    case SETTINGS_HEADER_TABLE_SIZE -> c.writes.peerHeaderTableSize(s.value());
                    default -> {
                        // MAX_FRAME_SIZE: we send DATA in frames of 16 KiB, which every server takes;
                        // MAX_HEADER_LIST_SIZE: advisory
                    }
                }
            }
            c.windowed.signalAll();
        } finally {
            c.lock.unlock();
        }
        send(TYPE_SETTINGS, 0, 0);
        c.settingsReceived.countDown();
        c.changed();
    }

    @Override
    public void ping(boolean ack, long payload) throws IOException {
        if (ack) {
            health.pingAcked(payload);
            return;
        }
        answer();
        send(TYPE_PING, 1, payload);
    }

    @Override
    public void goAway(int lastStreamId, long errorCode, byte[] debugData) {
        c.lock.lock();
        try {
            if (c.endReason == null) {
                c.endReason = CloseReason.GOAWAY;
            }
            c.goAwayLastStreamId = lastStreamId;
            for (Iterator<Map.Entry<Integer, Http2Stream>> it = c.streams.entrySet().iterator(); it.hasNext(); ) {
                Http2Stream s = it.next().getValue();
                if (s.id > lastStreamId) {
                    it.remove();
                    s.done = true;
                    s.failure = new UnprocessedRequestException("HTTP/2 server sent GOAWAY (" + errorName(errorCode)
                            + ") before processing stream " + s.id + " (last stream " + lastStreamId + ")");
                    s.readable.signalAll();
                }
            }
            c.windowed.signalAll();
        } finally {
            c.lock.unlock();
        }
        c.changed();
    }

    @Override
    public void rstStream(int streamId, long errorCode) {
        c.lock.lock();
        try {
            Http2Stream s = c.streams.remove(streamId);
            if (s == null) {
                return;
            }
            s.done = true;
            if (!s.remoteEnded || errorCode != NO_ERROR) {
                s.failure = errorCode == REFUSED_STREAM
                        ? new UnprocessedRequestException("HTTP/2 server refused stream " + streamId)
                        : new IOException("HTTP/2 stream " + streamId + " reset by server: " + errorName(errorCode));
            }
            s.readable.signalAll();
            c.windowed.signalAll();
        } finally {
            c.lock.unlock();
        }
        c.changed();
    }

    @Override
    public void windowUpdate(int streamId, int increment) throws IOException {
        c.lock.lock();
        try {
            if (streamId == 0) {
                c.sendWindow += increment;
                if (c.sendWindow > MAX_WINDOW_SIZE) {
                    throw Http2Exception.connectionError(FLOW_CONTROL_ERROR, "connection window above 2^31-1");
                }
            } else {
                Http2Stream s = c.streams.get(streamId);
                if (s != null) {
                    s.sendWindow += increment;
                    if (s.sendWindow > MAX_WINDOW_SIZE) {
                        throw Http2Exception.streamError(streamId, FLOW_CONTROL_ERROR, "stream window above 2^31-1");
                    }
                }
            }
            c.windowed.signalAll();
        } finally {
            c.lock.unlock();
        }
    }

    private void failStream(int streamId, IOException e) {
        c.lock.lock();
        try {
            Http2Stream s = c.streams.remove(streamId);
            if (s != null) {
                s.done = true;
                s.failure = e;
                s.readable.signalAll();
                c.windowed.signalAll();
            }
        } finally {
            c.lock.unlock();
        }
        c.changed();
    }

    /** A head over max-response-header-bytes fails as in HTTP/1.1 (a ProtocolException); other errors as they are. */
    private static IOException callersError(Http2Exception e) {
        String message = e.getMessage();
        int at = message == null ? -1 : message.indexOf(HpackDecoder.HEADERS_EXCEEDED);
        if (at >= 0) {
            ProtocolException p = new ProtocolException(message.substring(at));
            p.initCause(e);
            return p;
        }
        return e;
    }

    /** Counts one frame the server made us send; too many in a window end the connection. */
    private void answer() throws Http2Exception {
        long now = c.ticker.nanoTime();
        if (now - answersWindowStart > ANSWER_WINDOW_NANOS) {
            answersWindowStart = now;
            answers = 0;
        }
        if (++answers > MAX_ANSWERS) {
            throw Http2Exception.connectionError(ENHANCE_YOUR_CALM, "server made us answer more than " + MAX_ANSWERS
                    + " PING, SETTINGS or stream errors within a second");
        }
    }
}
