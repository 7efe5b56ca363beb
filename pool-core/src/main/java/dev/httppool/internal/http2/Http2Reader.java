package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.*;

import dev.httppool.CloseReason;
import dev.httppool.Headers;
import dev.httppool.internal.exchange.ExchangeCodec.Head;
import dev.httppool.internal.exchange.UnprocessedRequestException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The reader thread of one {@link Http2Connection}: reads every frame, sorts DATA and header blocks into streams,
 * applies the server's SETTINGS and window updates, answers PINGs, and handles GOAWAY (streams above its last stream
 * id fail as unprocessed, so they are retried elsewhere; the others finish). It also keeps the connection's health
 * check: when no byte arrives for {@code http2PingInterval} it sends a PING, and when no answer comes within
 * {@code http2PingTimeout} it ends the connection ({@link CloseReason#PING_TIMEOUT}). With the transport's timer
 * (always, but in tests) the reads wait without a socket timeout and the timer watches for the silence: a timed read
 * on the JDK's socket channel switches the socket to non-blocking and back (two {@code fcntl} calls per read), which
 * was a tenth of the client's CPU at C=64.
 *
 * <p>What the server can make us send is bounded: at most {@link #MAX_ANSWERS} PING acks, SETTINGS acks and
 * RST_STREAMs for its stream errors per {@link #ANSWER_WINDOW_NANOS}; beyond that the connection ends with
 * {@code ENHANCE_YOUR_CALM}.
 */
final class Http2Reader implements Runnable, FrameReader.Handler {

    static final int MAX_ANSWERS = 1_000;
    static final long ANSWER_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The PING payload of our health checks. */
    static final long HEALTH_PING = 0x6874_7470_6f6f_6cL;

    private final Http2Connection c;
    private final FrameReader frames;
    /** The timer watches for silence ({@link #checkSilence}); else the socket timeout does. */
    private final boolean timedPings;
    /** When the last read returned bytes (the ticker's time); written by this thread, read by the timer. */
    private volatile long lastReadNanos;
    /** The timer's next look at the silence, cancelled when the reader ends. */
    private volatile ScheduledFuture<?> silenceCheck;
    private final int pingIntervalMillis;
    private final long pingTimeoutNanos;
    /** Callers to wake once this thread is about to wait for the socket or write to it. */
    private final Wakeups wakeups;
    /** The header block being gathered (HEADERS, then CONTINUATIONs), its stream and END_STREAM flag. */
    private byte[] block = new byte[1024];
    private int blockLength;
    private boolean blockEndsStream;
    private long answersWindowStart;
    private int answers;
    // Set by whoever sends a health PING (this reader, or the timer when it watches the silence), cleared by this
    // reader at its ack; read by the timer that holds the PING's deadline.
    private volatile boolean pingOutstanding;
    private long pingSentNanos;
    /** Counts the health PINGs sent (by one thread per mode): the timer of one PING leaves a later one alone. */
    private volatile int pingsSent;
    /** Set by the timer when a PING's deadline passed, before it closes the channel. */
    private volatile PingTimeout pingExpired;

    Http2Reader(Http2Connection c) {
        this.c = c;
        this.wakeups = new Wakeups(c.lock);
        this.pingIntervalMillis = (int) Math.min(Integer.MAX_VALUE, c.config.http2PingInterval().toMillis());
        this.timedPings = pingIntervalMillis > 0 && c.timer != null;
        this.lastReadNanos = c.ticker.nanoTime();
        this.pingTimeoutNanos = c.config.http2PingTimeout().toNanos();
        this.frames = new FrameReader(new HealthCheckedInput(c.in), Http2Connection.MAX_FRAME_SIZE,
                (int) Math.min(1 << 24, Math.max(16 * 1024, c.config.maxResponseHeaderBytes())));
        frames.expectPreface();
    }

    @Override
    public void run() {
        try {
            c.socket().setSoTimeout(timedPings ? 0 : pingIntervalMillis);
            if (timedPings) {
                checkSilenceIn(c.config.http2PingInterval().toNanos());
            }
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
            PingTimeout expired = pingExpired; // the timer closed the channel under this read
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
            ScheduledFuture<?> check = silenceCheck;
            if (check != null) {
                check.cancel(false);
            }
            wakeups.now();
        }
    }

    private void checkSilenceIn(long nanos) {
        try {
            silenceCheck = c.timer.schedule(this::checkSilence, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the transport is closing
        }
    }

    /**
     * On the timer: once nothing was read for the ping interval, sends a health PING (from another thread: the
     * write may block, the timer must not) and holds its deadline; then looks again an interval later. Never
     * blocks.
     */
    private void checkSilence() {
        if (c.isClosed()) {
            return;
        }
        long interval = c.config.http2PingInterval().toNanos();
        long silent = c.ticker.nanoTime() - lastReadNanos;
        if (silent < interval) {
            checkSilenceIn(interval - silent);
            return;
        }
        if (!pingOutstanding) {
            pingOutstanding = true;
            int ping = ++pingsSent; // only the timer writes it in this mode
            try {
                c.writers.execute(() -> { // the write may block; the timer must not
                    if (!c.isClosed()) { // a write to a closed connection would cut its linger short
                        c.sendControl(TYPE_PING, 0, HEALTH_PING);
                    }
                });
            } catch (RejectedExecutionException e) {
                return; // the transport is closing
            }
            holdPingDeadline(ping);
        }
        checkSilenceIn(interval);
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
            c.consumed(padded, flowControlled - len);
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
                    case SETTINGS_HEADER_TABLE_SIZE -> c.pendingHeaderTableSize = s.value();
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
            if (pingOutstanding && payload == HEALTH_PING) {
                pingOutstanding = false;
                if (!timedPings) {
                    c.socket().setSoTimeout(pingIntervalMillis);
                }
            }
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

    /** The connection ended because a health-check PING went unanswered. */
    static final class PingTimeout extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        PingTimeout(String message) {
            super(message);
        }
    }

    /**
     * Ends the connection if health PING number {@code ping} is still unanswered when its timeout passes. The
     * socket timeout alone does not bound it over TLS: the JDK's TLS socket applies it per piece of a record, so a
     * server trickling bytes could keep the connection alive without ever answering.
     */
    private void holdPingDeadline(int ping) {
        if (c.timer == null) {
            return;
        }
        try {
            // The timer only closes the TCP channel, which cannot block (closing the TLS socket could wait for a
            // writer stuck on a peer that does not read); the reader's read then fails, and it ends the connection.
            c.timer.schedule(() -> {
                if (pingOutstanding && pingsSent == ping) { // closing twice does no harm
                    pingExpired = new PingTimeout("HTTP/2 PING to " + c.remoteAddress() + " not answered within "
                            + TimeUnit.NANOSECONDS.toMillis(pingTimeoutNanos) + " ms");
                    c.abortChannel();
                }
            }, pingTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the transport is closing, and its connections with it
        }
    }

    /**
     * The socket's input, read with the ping interval as its timeout: a read that times out sends the health-check
     * PING (or, once one is out for the ping timeout, ends the connection) and reads on, so a frame is never cut.
     */
    private final class HealthCheckedInput extends InputStream {
        private final InputStream in;

        HealthCheckedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (wakeups.pending() && in.available() < len) {
                wakeups.now();
            }
            for (;;) {
                try {
                    int n = in.read(b, off, len);
                    if (timedPings) {
                        lastReadNanos = c.ticker.nanoTime();
                    }
                    return n;
                } catch (SocketTimeoutException e) {
                    if (pingIntervalMillis == 0 || c.isClosed()) {
                        throw e;
                    }
                    long now = c.ticker.nanoTime();
                    if (!pingOutstanding) {
                        pingSentNanos = now;
                        int ping = ++pingsSent; // only this thread writes it
                        pingOutstanding = true;
                        send(TYPE_PING, 0, HEALTH_PING);
                        holdPingDeadline(ping);
                        c.socket().setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(pingTimeoutNanos)));
                    } else if (now - pingSentNanos >= pingTimeoutNanos) {
                        throw new PingTimeout("HTTP/2 PING to " + c.remoteAddress() + " not answered within "
                                + TimeUnit.NANOSECONDS.toMillis(pingTimeoutNanos) + " ms");
                    }
                }
            }
        }
    }
}
