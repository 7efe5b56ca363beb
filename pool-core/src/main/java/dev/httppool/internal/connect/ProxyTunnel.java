package dev.httppool.internal.connect;

import dev.httppool.ConnectMethodKey;
import dev.httppool.Headers;
import dev.httppool.internal.ApiAccess;
import dev.httppool.internal.http1.RequestHeadWriter;
import dev.httppool.internal.http1.ResponseHead;
import dev.httppool.internal.http1.ResponseHeadParser;
import dev.httppool.internal.http1.WireInput;
import dev.httppool.internal.net.Credentials;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Opens a {@code CONNECT} tunnel through an HTTP proxy (Go's {@code dialConn} proxy step): sends
 * {@code CONNECT host:port} with the configured extra headers and the proxy's Basic credentials, and accepts
 * only a 2xx answer. The exchange is bounded by a fixed one-minute timeout, as in Go.
 */
public final class ProxyTunnel {

    static final int CONNECT_TIMEOUT_MILLIS = 60_000;

    private ProxyTunnel() {
    }

    public static void open(Socket socket, ConnectMethodKey key, Headers extraHeaders, long maxHeaderBytes)
            throws IOException {
        Headers.Builder h = ApiAccess.get().addTrusted(Headers.builder(), "Host", key.address());
        h.addAll(extraHeaders);
        String auth = Credentials.basicAuth(ApiAccess.get().proxyUri(key));
        if (auth != null && !extraHeaders.contains("Proxy-Authorization")) {
            ApiAccess.get().addTrusted(h, "Proxy-Authorization", auth);
        }
        String proxy = Credentials.redact(ApiAccess.get().proxyUri(key));
        int previousTimeout = socket.getSoTimeout();
        socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
        try {
            OutputStream out = socket.getOutputStream();
            RequestHeadWriter.write(out, "CONNECT", key.address(), h.build());
            out.flush();
            WireInput in = new WireInput(socket.getInputStream(), 1024);
            ResponseHead head = ResponseHeadParser.read(in, maxHeaderBytes);
            if (head.status() / 100 != 2) {
                throw new IOException("proxy " + proxy + " refused CONNECT to " + key.address() + ": "
                        + head.protocol() + " " + head.status() + (head.reason().isEmpty() ? "" : " " + head.reason()));
            }
            if (in.buffered() > 0) {
                throw new IOException("proxy " + proxy + " sent unexpected bytes after its CONNECT answer");
            }
        } catch (SocketTimeoutException e) {
            SocketTimeoutException t = new SocketTimeoutException("proxy " + proxy + " did not answer CONNECT to "
                    + key.address() + " within " + CONNECT_TIMEOUT_MILLIS + " ms");
            t.initCause(e);
            throw t;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(previousTimeout);
            }
        }
    }
}
