package dev.httppool.internal.http1;

import static dev.httppool.internal.http1.CodecTestSupport.bytes;
import static dev.httppool.internal.http1.CodecTestSupport.latin1;
import static dev.httppool.internal.http1.CodecTestSupport.readAll;
import static dev.httppool.internal.http1.CodecTestSupport.tricklingWire;
import static dev.httppool.internal.http1.CodecTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedInputStreamTest {

    private static ChunkedInputStream chunked(String s) {
        return new ChunkedInputStream(wire(s), 1024);
    }

    private static String decode(String s) throws IOException {
        return latin1(readAll(chunked(s), 64));
    }

    @Test
    void decodesChunksAndLeavesTheNextResponseUnread() throws IOException {
        WireInput in = wire("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n");
        ChunkedInputStream body = new ChunkedInputStream(in, 1024);

        assertThat(latin1(readAll(body, 64))).isEqualTo("hello world");
        assertThat(body.isComplete()).isTrue();
        assertThat(body.trailers().isEmpty()).isTrue();
        assertThat(in.readLine(100)).isEqualTo("HTTP/1.1 200 OK");
    }

    @Test
    void isCompleteRightAfterTheLastDataByteWhenTheEndIsBuffered() throws IOException {
        ChunkedInputStream body = chunked("3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n");
        byte[] b = new byte[3];

        assertThat(body.read(b, 0, 3)).isEqualTo(3);

        assertThat(body.isComplete()).isTrue();
        assertThat(body.trailers().first("X-Sum")).isEqualTo("1");
        assertThat(body.read(b, 0, 3)).isEqualTo(-1);
    }

    @Test
    void singleByteReadsAlsoReachCompletionAtTheLastByte() throws IOException {
        ChunkedInputStream body = chunked("2\r\nab\r\n0\r\n\r\n");

        assertThat(body.read()).isEqualTo('a');
        assertThat(body.read()).isEqualTo('b');
        assertThat(body.isComplete()).isTrue();
        assertThat(body.read()).isEqualTo(-1);
    }

    @Test
    void readsAcrossSeveralChunksInOneCall() throws IOException {
        ChunkedInputStream body = chunked("1\r\na\r\n2\r\nbc\r\n3\r\ndef\r\n0\r\n\r\n");
        byte[] b = new byte[100];

        assertThat(body.read(b, 0, 100)).isEqualTo(6);
        assertThat(latin1(Arrays.copyOf(b, 6))).isEqualTo("abcdef");
        assertThat(body.isComplete()).isTrue();
    }

    @Test
    void doesNotBlockForTheNextChunkHeaderOnceDataWasRead() throws IOException {
        WireInput in = new WireInput(new CodecTestSupport.NoMoreInputStream(bytes("5\r\nhello\r\n")), 64);
        ChunkedInputStream body = new ChunkedInputStream(in, 1024);
        byte[] b = new byte[100];

        assertThat(body.read(b, 0, 100)).isEqualTo(5);
        assertThat(body.isComplete()).isFalse();
    }

    @Test
    void parsesTrailersStrictly() throws IOException {
        ChunkedInputStream body = chunked("1\r\nx\r\n0\r\nA: 1\r\nb:  two \r\n\r\n");

        assertThat(body.trailers().isEmpty()).isTrue();
        assertThat(latin1(readAll(body, 1))).isEqualTo("x");
        assertThat(body.trailers().first("a")).isEqualTo("1");
        assertThat(body.trailers().first("B")).isEqualTo("two");
    }

    @Test
    void rejectsObsFoldAndMalformedTrailers() {
        assertThatThrownBy(() -> decode("0\r\nA: 1\r\n  folded\r\n\r\n")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> decode("0\r\nA : 1\r\n\r\n")).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> decode("0\r\nA: \u00011\r\n\r\n")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void acceptsTrailersOfExactlyTheLimit() throws IOException {
        // "A: 12345\r\n" is 10 bytes; the final empty line is not counted.
        ChunkedInputStream body = new ChunkedInputStream(wire("0\r\nA: 12345\r\n\r\n"), 10);

        assertThat(readAll(body, 8)).isEmpty();
        assertThat(body.trailers().first("A")).isEqualTo("12345");
    }

    @Test
    void rejectsTrailersOneByteOverTheLimit() {
        ChunkedInputStream body = new ChunkedInputStream(wire("0\r\nA: 12345\r\n\r\n"), 9);

        assertThatThrownBy(() -> readAll(body, 8))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("chunked response trailers exceeded 9 bytes; aborted");
    }

    @Test
    void rejectsEndlessTrailerWithoutBufferingIt() {
        CodecTestSupport.EndlessInputStream endless = new CodecTestSupport.EndlessInputStream("0\r\nA: ", 'x');
        ChunkedInputStream body = new ChunkedInputStream(new WireInput(endless, 256), 1000);

        assertThatThrownBy(() -> readAll(body, 8)).isInstanceOf(ProtocolException.class);
        assertThat(endless.served).isLessThan(2000);
    }

    @Test
    void ignoresChunkExtensions() throws IOException {
        assertThat(decode("5;name=value\r\nhello\r\n3 ; a ; b=\"c\"\r\nabc\r\n0;last\r\n\r\n")).isEqualTo("helloabc");
    }

    @Test
    void acceptsBareLfLineEndingsAndUppercaseHex() throws IOException {
        assertThat(decode("A\nabcdefghij\n0\n\n")).isEqualTo("abcdefghij");
        assertThat(decode("0000000000000001\r\nz\r\n0\r\n\r\n")).isEqualTo("z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", ";ext\r\n", "x\r\n", "-1\r\n", "+1\r\n", " 1\r\n", "1x\r\n", "0x1\r\n",
        "1 2\r\n"})
    void rejectsMalformedChunkSizes(String sizeLine) {
        assertThatThrownBy(() -> decode(sizeLine + "a\r\n0\r\n\r\n"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("malformed chunk size line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000000000001", "8000000000000000", "ffffffffffffffff", "123456789abcdef01"})
    void rejectsChunkSizesThatOverflow(String size) {
        assertThatThrownBy(() -> decode(size + "\r\na\r\n0\r\n\r\n"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("chunk size too large");
    }

    @Test
    void rejectsOversizedChunkSizeLine() {
        assertThatThrownBy(() -> decode("1;" + "e".repeat(5000) + "\r\na\r\n0\r\n\r\n"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("4096");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3\r\nabcd\r\n0\r\n\r\n", "3\r\nabc\r\r\n0\r\n\r\n", "3\r\nabcX\n0\r\n\r\n",
        "3\r\nabc\rX0\r\n\r\n"})
    void rejectsChunkDataNotFollowedByCrlf(String input) {
        assertThatThrownBy(() -> decode(input)).isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5\r", "5\r\nhel", "5\r\nhello", "5\r\nhello\r\n", "5\r\nhello\r\n0\r\n",
        "0\r\nA: b\r\n", "0\r\n"})
    void throwsEofExceptionWhenTheBodyIsTruncated(String input) {
        assertThatThrownBy(() -> decode(input)).isExactlyInstanceOf(EOFException.class);
    }

    @Test
    void decodesBodyArrivingOneByteAtATime() throws IOException {
        ChunkedInputStream body = new ChunkedInputStream(
                tricklingWire("4;x=y\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nT: v\r\n\r\n"), 100);

        assertThat(latin1(readAll(body, 7))).isEqualTo("Wikipedia in\r\n\r\nchunks.");
        assertThat(body.trailers().first("T")).isEqualTo("v");
    }

    @Test
    void readsLargeChunksStraightIntoTheCallersArray() throws IOException {
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        ByteArrayOutputStream wireBytes = new ByteArrayOutputStream();
        wireBytes.write(bytes(Integer.toHexString(data.length) + "\r\n"));
        wireBytes.write(data);
        wireBytes.write(bytes("\r\n0\r\n\r\n"));
        ChunkedInputStream body = new ChunkedInputStream(
                new WireInput(new ByteArrayInputStream(wireBytes.toByteArray()), 1024), 0);

        assertThat(readAll(body, 65536)).isEqualTo(data);
        assertThat(body.isComplete()).isTrue();
    }

    @Test
    void closeLeavesTheUnderlyingStreamOpenAndFailsLaterReads() throws IOException {
        WireInput in = wire("3\r\nabc\r\n0\r\n\r\nnext");
        ChunkedInputStream body = new ChunkedInputStream(in, 100);
        body.read();

        body.close();

        assertThatThrownBy(body::read).isInstanceOf(IOException.class).hasMessage("read on closed response body");
        assertThatThrownBy(() -> body.read(new byte[1], 0, 1)).hasMessage("read on closed response body");
        assertThat(body.available()).isZero();
        assertThat(in.read()).isEqualTo('b');
    }

    @Test
    void availableIsBoundedByTheCurrentChunk() throws IOException {
        ChunkedInputStream body = chunked("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");

        assertThat(body.available()).isZero();
        body.read();
        assertThat(body.available()).isEqualTo(2);
    }

    @Test
    void readOfZeroBytesReturnsZero() throws IOException {
        assertThat(chunked("").read(new byte[1], 0, 0)).isZero();
    }

    /** {@code count} chunks of one byte 'x', each with {@code extension} after a ';', then the last chunk. */
    private static String oneByteChunks(int count, String extension) {
        String chunk = extension.isEmpty() ? "1\r\nx\r\n" : "1;" + extension + "\r\nx\r\n";
        return chunk.repeat(count) + "0\r\n\r\n";
    }

    @Test
    void aBodyWhoseChunkExtensionsOutgrowItsDataBy16KiBIsRefused() {
        // Each 1-byte chunk carries ~4 KiB of extension: the fifth puts the body over 16 KiB of excess framing.
        String extension = "e".repeat(ChunkedInputStream.MAX_SIZE_LINE - 10);
        ChunkedInputStream body = chunked(oneByteChunks(1000, extension));

        assertThatThrownBy(() -> readAll(body, 64)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("more than 16384 bytes of framing (chunk extensions) beyond its data");
    }

    @Test
    void framingWithinTheAllowanceIsReadWhateverTheBodysLength() throws IOException {
        // A byte per chunk with a short extension (within 16 bytes of framing a chunk), 100,000 times over.
        assertThat(decode(oneByteChunks(100_000, "ext=val"))).isEqualTo("x".repeat(100_000));
        assertThat(decode(oneByteChunks(100_000, ""))).hasSize(100_000);
        // Large extensions are fine beside enough data: twice the data is allowed on top.
        String data = "d".repeat(3000);
        String bigExtensions = ("bb8;" + "e".repeat(4000) + "\r\n" + data + "\r\n").repeat(50) + "0\r\n\r\n";
        assertThat(decode(bigExtensions)).isEqualTo(data.repeat(50));
    }

    @Test
    void excessFramingAddsUpAcrossChunksAndDataEarnsNoCreditForLaterFraming() {
        // One huge chunk first (no credit kept), then 1-byte chunks with 200-byte extensions: ~184 bytes of excess
        // each, so about 90 of them are refused.
        String chunks = "10000\r\n" + "d".repeat(0x10000) + "\r\n" + oneByteChunks(100, "e".repeat(200));

        assertThatThrownBy(() -> readAll(chunked(chunks), 1024)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("framing");
    }
}
