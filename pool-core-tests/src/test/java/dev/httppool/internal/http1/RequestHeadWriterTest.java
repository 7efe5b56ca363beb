package dev.httppool.internal.http1;

import static dev.httppool.internal.http1.CodecTestSupport.latin1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadWriterTest {

    /** Counts the calls made on it. */
    private static final class CountingStream extends ByteArrayOutputStream {
        int writes;
        int singleByteWrites;
        int flushes;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            super.write(b, off, len);
        }

        @Override
        public synchronized void write(int b) {
            singleByteWrites++;
            super.write(b);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @Test
    void writesRequestLineHeadersAndEmptyLineInOneWriteWithoutFlushing() throws IOException {
        CountingStream out = new CountingStream();

        RequestHeadWriter.write(out, "GET", "/path?q=1", Headers.of("Host", "example.com", "x-Custom", "a b"));

        assertThat(latin1(out.toByteArray()))
                .isEqualTo("GET /path?q=1 HTTP/1.1\r\nHost: example.com\r\nx-Custom: a b\r\n\r\n");
        assertThat(out.writes).isEqualTo(1);
        assertThat(out.singleByteWrites).isZero();
        assertThat(out.flushes).isZero();
    }

    @Test
    void aHeadWrittenIntoAConnectionBufferIsTheSameBytesAndGoesOutOnFlushOnly() throws IOException {
        Headers headers = Headers.of("Host", "example.com", "x-Custom", "a b", "X-Latin", "caf\u00e9");
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        RequestHeadWriter.write(direct, "GET", "/path?q=1", headers);
        CountingStream wire = new CountingStream();
        WireOutput out = new WireOutput(wire, new BufferPool(4096, 0));

        RequestHeadWriter.write(out, "GET", "/path?q=1", headers);

        assertThat(wire.size()).isZero(); // buffered until the exchange flushes
        out.flush();
        assertThat(wire.toByteArray()).isEqualTo(direct.toByteArray());
        assertThat(wire.writes).isEqualTo(1);
    }

    @Test
    void aHeadLargerThanTheConnectionBufferGoesOutWhole() throws IOException {
        Headers.Builder b = Headers.builder();
        for (int i = 0; i < 40; i++) {
            b.add("X-Field-" + i, "v".repeat(i * 3));
        }
        Headers headers = b.build();
        String target = "/" + "p".repeat(300);
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        RequestHeadWriter.write(direct, "POST", target, headers);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        WireOutput out = new WireOutput(wire, new BufferPool(64, 0));

        RequestHeadWriter.write(out, "POST", target, headers);
        out.flush();

        assertThat(direct.size()).isGreaterThan(1000);
        assertThat(wire.toByteArray()).isEqualTo(direct.toByteArray());
    }

    @Test
    void aConnectionBufferRefusesTheSameInvalidHeadsAndWritesNothing() {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        WireOutput out = new WireOutput(wire, new BufferPool(64, 0));

        assertThatThrownBy(() -> RequestHeadWriter.write(out, "GET", "/a b", Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestHeadWriter.write(out, "G T", "/", Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.releaseBufferIfEmpty()).isFalse(); // never took a buffer: nothing was written
        assertThat(wire.size()).isZero();
    }

    @Test
    void writesRepeatedFieldsInOrder() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RequestHeadWriter.write(out, "POST", "*", Headers.of("A", "1", "a", "2"));

        assertThat(latin1(out.toByteArray())).isEqualTo("POST * HTTP/1.1\r\nA: 1\r\na: 2\r\n\r\n");
    }

    @Test
    void writesWithoutHeaders() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RequestHeadWriter.write(out, "CONNECT", "example.com:443", Headers.empty());

        assertThat(latin1(out.toByteArray())).isEqualTo("CONNECT example.com:443 HTTP/1.1\r\n\r\n");
    }

    @Test
    void encodesValuesAsIso88591() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RequestHeadWriter.write(out, "GET", "/", Headers.of("X", "caf\u00e9"));

        byte[] b = out.toByteArray();
        assertThat(b).hasSize("GET / HTTP/1.1\r\nX: caf\u00e9\r\n\r\n".length());
        assertThat(b[b.length - 5]).isEqualTo((byte) 0xe9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GE T", "GET\r\n", "G\u0000T", "GET/", "G\u00e9T"})
    void rejectsMethodsThatAreNotTokens(String method) {
        assertThatThrownBy(() -> RequestHeadWriter.write(new ByteArrayOutputStream(), method, "/", Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("method");
    }

    @Test
    void rejectsNullMethodAndTarget() {
        assertThatThrownBy(() -> RequestHeadWriter.write(new ByteArrayOutputStream(), null, "/", Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestHeadWriter.write(new ByteArrayOutputStream(), "GET", null, Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a b", "/a\r\nX: y", "/a\nb", "/\u0000", "/\t", "/\u007f", "/caf\u00e9", "/\u4e2d"})
    void rejectsTargetsWithSpacesControlOrNonAsciiCharacters(String target) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> RequestHeadWriter.write(out, "GET", target, Headers.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request target");
        assertThat(out.size()).isZero();
    }
}
