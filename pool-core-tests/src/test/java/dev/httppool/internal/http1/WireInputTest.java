package dev.httppool.internal.http1;

import static dev.httppool.internal.http1.CodecTestSupport.bytes;
import static dev.httppool.internal.http1.CodecTestSupport.latin1;
import static dev.httppool.internal.http1.CodecTestSupport.readAll;
import static dev.httppool.internal.http1.CodecTestSupport.tricklingWire;
import static dev.httppool.internal.http1.CodecTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class WireInputTest {

    @Test
    void readsLinesEndingInCrlfOrBareLf() throws IOException {
        WireInput in = wire("first\r\nsecond\nthird\r\n");

        assertThat(in.readLine(100)).isEqualTo("first");
        assertThat(in.readLine(100)).isEqualTo("second");
        assertThat(in.readLine(100)).isEqualTo("third");
        assertThat(in.readLine(100)).isNull();
    }

    @Test
    void readsEmptyLines() throws IOException {
        WireInput in = wire("\r\n\n");

        assertThat(in.readLine(0)).isEmpty();
        assertThat(in.readLine(0)).isEmpty();
        assertThat(in.readLine(0)).isNull();
    }

    @Test
    void returnsNullWhenStreamEndsBeforeAnyByteOfTheLine() throws IOException {
        assertThat(wire("").readLine(10)).isNull();
    }

    @Test
    void throwsEofExceptionWhenStreamEndsInTheMiddleOfALine() throws IOException {
        WireInput in = wire("HTTP/1.1 200");

        assertThatThrownBy(() -> in.readLine(100)).isExactlyInstanceOf(EOFException.class);
        assertThat(in.bytesConsumed()).isEqualTo(12);
    }

    @Test
    void throwsEofExceptionWhenStreamEndsAfterACr() {
        assertThatThrownBy(() -> wire("abc\r").readLine(100)).isExactlyInstanceOf(EOFException.class);
    }

    @Test
    void rejectsBareCrInsideALine() {
        assertThatThrownBy(() -> wire("ab\rcd\r\n").readLine(100))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("bare CR");
        assertThatThrownBy(() -> wire("ab\r\r\n").readLine(100)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void aBareCrIsRejectedWhereverTheBufferBoundariesFall() throws IOException {
        String[] bad = {"\rab\r\n", "a\rb\n", "ab\r\r\n", "\r\r\n", "abcdefgh\rijklmnop\r\n", "x\r" + "y".repeat(40) + "\n"};
        for (String line : bad) {
            for (int bufferSize : new int[] {1, 2, 3, 5, 8, 16, 4096}) {
                // A line read before it, so the bad one starts at an offset into the buffer.
                WireInput in = wire("ok\r\n" + line, bufferSize);
                assertThat(in.readLine(100)).isEqualTo("ok");
                assertThatThrownBy(() -> in.readLine(100)).as("%s with a %d-byte buffer", line, bufferSize)
                        .isInstanceOf(ProtocolException.class).hasMessageContaining("bare CR");
            }
        }
        for (int bufferSize : new int[] {1, 2, 3, 5, 8, 4096}) {
            WireInput in = wire("a\r\n\r\nbc\nd\r\n", bufferSize);
            assertThat(in.readLine(100)).isEqualTo("a");
            assertThat(in.readLine(100)).isEmpty();
            assertThat(in.readLine(100)).isEqualTo("bc");
            assertThat(in.readLine(100)).isEqualTo("d");
        }
    }

    @Test
    void acceptsLineOfExactlyMaxLengthBytes() throws IOException {
        assertThat(wire("12345\r\n").readLine(5)).isEqualTo("12345");
        assertThat(wire("12345\n").readLine(5)).isEqualTo("12345");
    }

    @Test
    void rejectsLineOneByteOverMaxLengthNamingTheLimit() {
        assertThatThrownBy(() -> wire("123456\r\n").readLine(5))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("5 bytes");
        assertThatThrownBy(() -> wire("123456\n").readLine(5)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void rejectsOverlongLineWithoutReadingItToTheEnd() {
        CodecTestSupport.EndlessInputStream endless = new CodecTestSupport.EndlessInputStream("", 'a');
        WireInput in = new WireInput(endless, 16);

        assertThatThrownBy(() -> in.readLine(100)).isInstanceOf(ProtocolException.class);
        assertThat(endless.served).isLessThan(200);
    }

    @Test
    void readsLinesLongerThanTheBuffer() throws IOException {
        String longLine = "x".repeat(1000);
        WireInput in = wire(longLine + "\r\nnext\r\n", 7);

        assertThat(in.readLine(1000)).isEqualTo(longLine);
        assertThat(in.readLine(1000)).isEqualTo("next");
        assertThat(in.bytesConsumed()).isEqualTo(1008);
    }

    @Test
    void readsLinesArrivingOneByteAtATime() throws IOException {
        WireInput in = tricklingWire("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody");

        assertThat(in.readLine(100)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(in.readLine(100)).isEqualTo("A: b");
        assertThat(in.readLine(100)).isEmpty();
        assertThat(latin1(readAll(in, 10))).isEqualTo("body");
    }

    @Test
    void readsAfterReadLineSeeTheRemainingBytes() throws IOException {
        WireInput in = wire("line\r\nrest of the data");

        assertThat(in.readLine(10)).isEqualTo("line");
        assertThat(in.buffered()).isEqualTo("rest of the data".length());
        assertThat(in.read()).isEqualTo('r');
        assertThat(latin1(readAll(in, 4))).isEqualTo("est of the data");
    }

    @Test
    void decodesLinesAsIso88591() throws IOException {
        WireInput in = new WireInput(new ByteArrayInputStream(new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'}), 8);

        assertThat(in.readLine(10)).isEqualTo("caf\u00e9");
    }

    @Test
    void peekReturnsTheNextByteWithoutConsumingIt() throws IOException {
        WireInput in = wire("ab");

        assertThat(in.peek()).isEqualTo('a');
        assertThat(in.peek()).isEqualTo('a');
        assertThat(in.bytesConsumed()).isZero();
        assertThat(in.read()).isEqualTo('a');
        assertThat(in.peek()).isEqualTo('b');
    }

    @Test
    void peekReturnsMinusOneAtEndOfStream() throws IOException {
        WireInput in = wire("a");
        in.read();

        assertThat(in.peek()).isEqualTo(-1);
        assertThat(wire("").peek()).isEqualTo(-1);
    }

    @Test
    void bytesConsumedCountsReadsSkipsAndLines() throws IOException {
        WireInput in = wire("abc\r\ndefghijklmnop", 4);

        assertThat(in.bytesConsumed()).isZero();
        in.readLine(10);
        assertThat(in.bytesConsumed()).isEqualTo(5);
        in.read();
        assertThat(in.bytesConsumed()).isEqualTo(6);
        int n = in.read(new byte[3], 0, 3);
        assertThat(in.bytesConsumed()).isEqualTo(6 + n);
        long skipped = in.skip(2);
        assertThat(in.bytesConsumed()).isEqualTo(6 + n + skipped);
        readAll(in, 100);
        assertThat(in.bytesConsumed()).isEqualTo(18);
    }

    @Test
    void largeReadsBypassTheEmptyBuffer() throws IOException {
        byte[] data = new byte[10_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        WireInput in = new WireInput(new ByteArrayInputStream(data), 16);
        byte[] b = new byte[10_000];

        int n = in.read(b, 0, b.length);

        assertThat(n).isEqualTo(10_000);
        assertThat(b).isEqualTo(data);
        assertThat(in.bytesConsumed()).isEqualTo(10_000);
        assertThat(in.read(b, 0, 10)).isEqualTo(-1);
    }

    @Test
    void readReturnsOnlyBufferedBytesWithoutReadingMore() throws IOException {
        WireInput in = new WireInput(new CodecTestSupport.NoMoreInputStream(bytes("x\r\nabc")), 64);
        in.readLine(10);

        byte[] b = new byte[100];
        assertThat(in.read(b, 0, 100)).isEqualTo(3);
    }

    @Test
    void availableCountsBufferedAndUnderlyingBytes() throws IOException {
        WireInput in = wire("0123456789", 4);
        in.read();

        assertThat(in.buffered()).isEqualTo(3);
        assertThat(in.available()).isEqualTo(9);
    }

    @Test
    void readOfZeroBytesReturnsZero() throws IOException {
        assertThat(wire("a").read(new byte[1], 0, 0)).isZero();
    }

    @Test
    void closeClosesTheUnderlyingStream() throws IOException {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream underlying = new ByteArrayInputStream(new byte[0]) {
            @Override
            public void close() {
                closed.set(true);
            }
        };

        new WireInput(underlying, 8).close();

        assertThat(closed).isTrue();
    }

    @Test
    void rejectsNegativeMaxLengthAndBadBufferSize() {
        assertThatThrownBy(() -> wire("a\n").readLine(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WireInput(new ByteArrayInputStream(new byte[0]), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
