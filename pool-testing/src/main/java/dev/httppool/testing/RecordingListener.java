package dev.httppool.testing;

import dev.httppool.ClientTrace;
import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.Headers;
import dev.httppool.LeakDetection;
import dev.httppool.TransportListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSession;

/**
 * Records, in order and as short strings, what a transport tells its {@link TransportListener} and a request's
 * {@link ClientTrace}; one instance may serve as both. Thread-safe: hooks arrive from dialing threads too.
 *
 * <p>The strings: {@code dialed <key> success|failure}, {@code acquired <key> reused=<bool>},
 * {@code closed <key> <reason tag>}, {@code leaked <key> <detection tag>}; {@code getConn}, {@code gotConn reused=<bool> wasIdle=<bool>},
 * {@code putIdleConn <rejection or null>}, {@code connectStart}, {@code connectDone ok|error},
 * {@code tlsHandshakeStart}, {@code tlsHandshakeDone ok|error}, {@code wroteHeaders}, {@code wait100Continue},
 * {@code wroteRequest ok|error}, {@code got100Continue}, {@code got1xxResponse <code>},
 * {@code gotFirstResponseByte}.
 */
public final class RecordingListener implements TransportListener, ClientTrace {

    private final List<String> events = new CopyOnWriteArrayList<>();

    /** The events so far, oldest first (a copy). */
    public List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void dialed(ConnectMethodKey key, boolean success, long nanos) {
        events.add("dialed " + key + " " + (success ? "success" : "failure"));
    }

    @Override
    public void acquired(ConnectMethodKey key, boolean reused, long waitNanos) {
        events.add("acquired " + key + " reused=" + reused);
    }

    @Override
    public void closed(ConnectMethodKey key, CloseReason reason) {
        events.add("closed " + key + " " + reason.tag());
    }

    @Override
    public void leaked(ConnectMethodKey key, LeakDetection detection) {
        events.add("leaked " + key + " " + detection.tag());
    }

    @Override
    public void getConn(String hostPort) {
        events.add("getConn");
    }

    @Override
    public void gotConn(GotConnInfo info) {
        events.add("gotConn reused=" + info.reused() + " wasIdle=" + info.wasIdle());
    }

    @Override
    public void putIdleConn(CloseReason rejection) {
        events.add("putIdleConn " + rejection);
    }

    @Override
    public void connectStart(String network, String address) {
        events.add("connectStart");
    }

    @Override
    public void connectDone(String network, String address, Exception error) {
        events.add("connectDone " + (error == null ? "ok" : "error"));
    }

    @Override
    public void tlsHandshakeStart() {
        events.add("tlsHandshakeStart");
    }

    @Override
    public void tlsHandshakeDone(SSLSession session, Exception error) {
        events.add("tlsHandshakeDone " + (error == null ? "ok" : "error"));
    }

    @Override
    public void wroteHeaders() {
        events.add("wroteHeaders");
    }

    @Override
    public void wait100Continue() {
        events.add("wait100Continue");
    }

    @Override
    public void wroteRequest(Exception error) {
        events.add("wroteRequest " + (error == null ? "ok" : "error"));
    }

    @Override
    public void got100Continue() {
        events.add("got100Continue");
    }

    @Override
    public void got1xxResponse(int code, Headers headers) {
        events.add("got1xxResponse " + code);
    }

    @Override
    public void gotFirstResponseByte() {
        events.add("gotFirstResponseByte");
    }
}
