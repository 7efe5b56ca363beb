package dev.httppool.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Headers;
import dev.httppool.Ticker;
import dev.httppool.internal.exchange.ExchangeCodec;
import dev.httppool.internal.exchange.FramedBody;
import dev.httppool.testing.ScriptServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 3: an idle HTTP/1.1 connection lends its two buffers back to the transport's {@link BufferPool}
 * ({@link Http1Connection#trimWhileIdle()}, called by maintenance) and takes them again at its next exchange; bytes
 * received and not read keep the read buffer, so the out-of-step check still sees them.
 */
class IdleBuffersTest {

    private static final int SIZE = 4096;

    private final BufferPool readBuffers = new BufferPool(SIZE, 8);
    private final BufferPool writeBuffers = new BufferPool(SIZE, 8);
    private ScriptServer server;
    private Http1Connection conn;

    @AfterEach
    void close() {
        if (conn != null) {
            conn.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anIdleConnectionLendsBothBuffersBackAndItsNextExchangeTakesThemAgain() throws Exception {
        server = ScriptServer.start(ScriptServer.keepAlive(r -> "ok " + r.target()));
        conn = connect();

        assertThat(exchange("/1")).isEqualTo("ok /1");
        conn.trimWhileIdle();
        assertThat(readBuffers.retained()).as("read buffers lent back").isEqualTo(1);
        assertThat(writeBuffers.retained()).as("write buffers lent back").isEqualTo(1);
        assertThat(conn.isOutOfStep()).isFalse();

        assertThat(exchange("/2")).isEqualTo("ok /2");
        assertThat(readBuffers.retained()).as("read buffer taken at the next exchange").isZero();
        assertThat(writeBuffers.retained()).as("write buffer taken at the next exchange").isZero();
        assertThat(server.acceptedCount()).as("both exchanges on one connection").isEqualTo(1);
    }

    @Test
    void bytesReceivedAndUnreadKeepTheReadBufferAndTheConnectionStaysOutOfStep() throws Exception {
        CountDownLatch gluedSent = new CountDownLatch(1);
        server = ScriptServer.start(ScriptServer.keepAliveResponding((c, request) -> {
            // One response with an unsolicited second one glued on, in one write: both land in the read buffer.
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            gluedSent.countDown();
        }));
        conn = connect();

        assertThat(exchange("/glued")).isEqualTo("ok");
        assertThat(gluedSent.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(conn.in().buffered()).as("the glued response sits in the read buffer").isPositive();
        conn.trimWhileIdle();

        assertThat(readBuffers.retained()).as("a read buffer holding bytes is kept").isZero();
        assertThat(writeBuffers.retained()).as("the empty write buffer is lent back").isEqualTo(1);
        assertThat(conn.isOutOfStep()).as("the unread bytes still count").isTrue();
    }

    @Test
    void aFullPoolKeepsNoMoreThanItsBound() {
        BufferPool pool = new BufferPool(16, 2);
        pool.give(new byte[16]);
        pool.give(new byte[16]);
        pool.give(new byte[16]);
        pool.give(new byte[8]); // another size: not kept
        assertThat(pool.retained()).isEqualTo(2);
        assertThat(pool.take()).hasSize(16);
        assertThat(pool.take()).hasSize(16);
        assertThat(pool.take()).as("an empty pool allocates").hasSize(16);
        assertThat(pool.retained()).isZero();
    }

    private Http1Connection connect() throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
        return new Http1Connection(ch, null, readBuffers, writeBuffers, Ticker.system(), null);
    }

    private String exchange(String path) throws IOException {
        ExchangeCodec codec = conn.newCodec();
        codec.writeRequestHead("GET", path, Headers.of("Host", "127.0.0.1"));
        codec.flushRequest();
        codec.setReadLimits((int) Duration.ofSeconds(5).toMillis(), 0, null);
        ExchangeCodec.Head head = codec.readResponseHead(64 * 1024);
        try (FramedBody body = codec.openResponseBody(head, 64 * 1024)) {
            String s = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(body.isComplete()).isTrue();
            return s;
        }
    }
}
