package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.Async;
import dev.httppool.testing.ScriptServer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11 item 4: transparent gzip decodes every member of a body, as Go's multistream reader does, whenever
 * each member arrives; bytes after the last member that do not start another one are an error (Go's
 * {@code gzip: invalid header}), not something to drain; and a decompression bomb costs a caller only what it
 * reads.
 */
@Timeout(60)
class HostileGzipTest extends TransportTestSupport {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length", "chunked"})
    void aBodyOfTwoGzipMembersDecodesBothWhenTheSecondArrivesAfterTheFirstWasRead(String framing)
            throws Exception {
        byte[] first = gzip("hello ");
        byte[] second = gzip("world");
        CountDownLatch firstRead = new CountDownLatch(1);
        boolean chunked = framing.equals("chunked");
        ScriptServer server = server(conn -> {
            conn.readRequest();
            String length = chunked ? "Transfer-Encoding: chunked"
                    : "Content-Length: " + (first.length + second.length);
            conn.write(rawResponse("HTTP/1.1 200 OK", chunked ? chunk(first) : first, "Content-Encoding: gzip",
                    length));
            // The second member comes in a later packet, once the client has decoded the first one.
            if (firstRead.await(5, TimeUnit.SECONDS)) {
                conn.write(chunked ? concat(chunk(second), "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))
                        : second);
            }
            conn.readRequest();
        });
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/two-members")));
        byte[] head = new byte[6];
        int n = response.body().readNBytes(head, 0, head.length);
        firstRead.countDown();
        String rest = readToEof(response);

        assertThat(new String(head, 0, n, StandardCharsets.UTF_8) + rest).isEqualTo("hello world");
        assertThat(transport.snapshot().totals().idle()).as("the connection went back at the body's end").isEqualTo(1);
    }

    @Test
    void bytesAfterTheLastMemberThatDoNotStartAnotherFailTheReadWithInvalidHeader() throws Exception {
        byte[] body = concat(gzip("hello"), "trailing junk".getBytes(StandardCharsets.ISO_8859_1));
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.write(rawResponse(
                "HTTP/1.1 200 OK", body, "Content-Encoding: gzip", "Content-Length: " + body.length))));
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/junk")));
        Throwable thrown = catchThrowable(() -> response.body().readAllBytes());
        response.close();

        assertThat(thrown).isInstanceOf(ZipException.class).hasMessageContaining("gzip: invalid header")
                .hasMessageContaining("|http|" + server.address());
    }

    @Test
    void aServerThatKeepsSendingAfterTheGzipEndIsNotDrainedButFailsAtTheFirstForeignByte() throws Exception {
        byte[] member = gzip("hello");
        ScriptServer server = server(conn -> {
            conn.readRequest();
            // A chunked body that never ends: after the gzip member, junk, then silence with the connection open.
            conn.write(rawResponse("HTTP/1.1 200 OK", concat(chunk(member), chunk(new byte[] {'x', 'y'})),
                    "Content-Encoding: gzip", "Transfer-Encoding: chunked"));
            conn.awaitPeerClose(Duration.ofSeconds(30));
        });
        Transport transport = transport(TransportConfig.defaults());
        Response response = transport.roundTrip(Request.get(server.url("/endless")));

        CompletableFuture<Throwable> read = CompletableFuture.supplyAsync(
                () -> catchThrowable(() -> response.body().readAllBytes()), Async.THREADS);
        Throwable thrown = read.get(5, TimeUnit.SECONDS);
        response.close();

        assertThat(thrown).isInstanceOf(ZipException.class).hasMessageContaining("gzip: invalid header");
        assertThat(server.awaitOpenCount(0, WAIT)).as("the connection is closed, not drained").isTrue();
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
    }

    @Test
    void aMemberWhoseChecksumDoesNotMatchFailsWithInvalidChecksum() throws Exception {
        byte[] body = gzip("hello");
        body[body.length - 8] ^= 1; // the CRC-32 of the trailer
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.write(rawResponse(
                "HTTP/1.1 200 OK", body, "Content-Encoding: gzip", "Content-Length: " + body.length))));
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/crc")));
        Throwable thrown = catchThrowable(() -> response.body().readAllBytes());
        response.close();

        assertThat(thrown).isInstanceOf(ZipException.class).hasMessageContaining("gzip: invalid checksum");
    }

    @Test
    void aMemberHeaderWithExtraFieldNameCommentAndHeaderCrcIsDecoded() throws Exception {
        byte[] body = gzipWithAllHeaderFields("decoded past every optional header field");
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.write(rawResponse(
                "HTTP/1.1 200 OK", body, "Content-Encoding: gzip", "Content-Length: " + body.length))));
        Transport transport = transport(TransportConfig.defaults());

        assertThat(get(transport, server.url("/fields"))).isEqualTo("decoded past every optional header field");
        assertThat(get(transport, server.url("/again"))).isEqualTo("decoded past every optional header field");
        assertThat(connectionIds(server)).containsExactly(1, 1);
    }

    @Test
    void aBodyCutShortInsideAMemberFailsWithEof() throws Exception {
        byte[] whole = gzip("hello ".repeat(100));
        byte[] body = Arrays.copyOf(whole, whole.length - 3); // inside the trailer
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.write(rawResponse(
                "HTTP/1.1 200 OK", body, "Content-Encoding: gzip", "Content-Length: " + body.length))));
        Transport transport = transport(TransportConfig.defaults());

        Response response = transport.roundTrip(Request.get(server.url("/cut")));
        Throwable thrown = catchThrowable(() -> response.body().readAllBytes());
        response.close();

        assertThat(thrown).isInstanceOf(EOFException.class).hasMessageContaining("gzip");
    }

    @Test
    void readingOneKibibyteOfAGibibyteBombInflatesOnlyWhatWasAskedAndClosingInflatesNothingMore()
            throws Exception {
        byte[] segment = deflatedZeros(1 << 20); // 1 MiB of zeros, about 1 KiB on the wire
        int segments = 1024;
        ScriptServer server = server(conn -> {
            conn.readRequest();
            conn.write(rawResponse("HTTP/1.1 200 OK", chunk(gzipHeader()), "Content-Encoding: gzip",
                    "Transfer-Encoding: chunked"));
            try {
                for (int i = 0; i < segments; i++) {
                    conn.write(chunk(segment)); // blocks once the client stops reading
                }
            } catch (IOException closedByClient) {
                return;
            }
            conn.awaitPeerClose(Duration.ofSeconds(30));
        });
        Transport transport = transport(TransportConfig.defaults());
        Response response = transport.roundTrip(Request.get(server.url("/bomb")));
        InputStream body = response.body();
        byte[] buffer = new byte[1024];

        long allocatedBefore = allocatedByThisThread();
        long start = System.nanoTime();
        int n = body.readNBytes(buffer, 0, buffer.length);
        long readNanos = System.nanoTime() - start;
        long allocated = allocatedByThisThread() - allocatedBefore;
        start = System.nanoTime();
        response.close();
        long closeNanos = System.nanoTime() - start;

        assertThat(n).isEqualTo(1024);
        assertThat(buffer).containsOnly((byte) 0);
        assertThat(allocated).as("bytes this thread allocated to read 1 KiB").isLessThan(256 * 1024);
        assertThat(Duration.ofNanos(readNanos)).isLessThan(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(closeNanos)).isLessThan(Duration.ofSeconds(5));
        assertThat(server.awaitOpenCount(0, WAIT)).as("the rest is not read to save the connection").isTrue();
    }

    // ---- gzip and chunk bytes ----

    /** {@code body} as one chunk of the chunked coding. */
    private static byte[] chunk(byte[] body) {
        return concat((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1), body,
                "\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A gzip member header without optional fields. */
    private static byte[] gzipHeader() {
        return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    }

    /**
     * {@code zeros} zero bytes as raw deflate blocks ending in a full flush: byte-aligned and independent of what
     * came before, so the same bytes repeated make a valid (and unfinished) deflate stream.
     */
    private static byte[] deflatedZeros(int zeros) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setInput(new byte[zeros]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            int n;
            do {
                n = deflater.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
                out.write(buf, 0, n);
            } while (n == buf.length || !deflater.needsInput());
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** One gzip member of {@code text} whose header has FEXTRA, FNAME, FCOMMENT and FHCRC. */
    private static byte[] gzipWithAllHeaderFields(String text) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
        header.writeBytes(new byte[] {5, 0, 'A', 'B', 3, 0, 1});
        header.writeBytes("name.txt\0".getBytes(StandardCharsets.ISO_8859_1));
        header.writeBytes("a comment\0".getBytes(StandardCharsets.ISO_8859_1));
        CRC32 headerCrc = new CRC32();
        headerCrc.update(header.toByteArray());
        header.write((int) headerCrc.getValue() & 0xff);
        header.write((int) (headerCrc.getValue() >>> 8) & 0xff);
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(plain);
        deflater.finish();
        byte[] buf = new byte[plain.length + 64];
        int n = deflater.deflate(buf);
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(plain);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.toByteArray());
        out.write(buf, 0, n);
        long c = crc.getValue();
        long size = plain.length;
        for (int i = 0; i < 4; i++) {
            out.write((int) (c >>> (8 * i)) & 0xff);
        }
        for (int i = 0; i < 4; i++) {
            out.write((int) (size >>> (8 * i)) & 0xff);
        }
        return out.toByteArray();
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
