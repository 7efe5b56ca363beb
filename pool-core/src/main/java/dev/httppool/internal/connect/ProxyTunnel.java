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
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * Opens a {@code CONNECT} tunnel through an HTTP proxy (Go's {@code dialConn} proxy step): sends
 * {@code CONNECT host:port} with the configured extra headers and the proxy's Basic credentials, and accepts
 * only a 2xx answer. The whole exchange, the write and the answer, is bounded by one deadline: Go's fixed
 * one minute in a transport ({@link #CONNECT_TIMEOUT}), however slowly the proxy trickles its answer.
 */
final class ProxyTunnel {

    /** Go's fixed bound on the whole CONNECT exchange ({@code dialConn}: one minute). */
    static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(1);

    private ProxyTunnel() {
    }

    static void open(SocketChannel channel, ConnectMethodKey key, Headers extraHeaders, long maxHeaderBytes,
            DialDeadlines deadlines, Duration limit) throws IOException {
        Headers.Builder h = ApiAccess.get().addTrusted(Headers.builder(), "Host", key.address());
        h.addAll(extraHeaders);
        String auth = Credentials.basicAuth(ApiAccess.get().proxyUri(key));
        if (auth != null && !extraHeaders.contains("Proxy-Authorization")) {
            ApiAccess.get().addTrusted(h, "Proxy-Authorization", auth);
        }
        String proxy = Credentials.redact(ApiAccess.get().proxyUri(key));
        Headers headers = h.build();
        deadlines.run(channel, limit, () -> "proxy " + proxy + " did not answer CONNECT to " + key.address()
                + " within " + limit.toMillis() + " ms", () -> exchange(channel.socket(), key, headers,
                maxHeaderBytes, proxy));
    }

    private static void exchange(Socket socket, ConnectMethodKey key, Headers headers, long maxHeaderBytes,
            String proxy) throws IOException {
        OutputStream out = socket.getOutputStream();
        RequestHeadWriter.write(out, "CONNECT", key.address(), headers);
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
    }
}
