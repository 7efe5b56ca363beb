package dev.httppool.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HpackDecoderTest {

    private final List<String> fields = new ArrayList<>();

    private void decode(HpackDecoder d, String hex) throws Http2Exception {
        byte[] block = Hex.bytes(hex);
        fields.clear();
        d.decode(3, block, 0, block.length, (n, v) -> fields.add(n + ": " + v));
    }

    private static Http2Exception failure(HpackDecoder d, String hex) {
        byte[] block = Hex.bytes(hex);
        try {
            d.decode(3, block, 0, block.length, (n, v) -> { });
        } catch (Http2Exception e) {
            return e;
        }
        throw new AssertionError("block " + hex + " was accepted");
    }

    private static void assertCompressionError(String hex, String message) {
        Http2Exception e = failure(new HpackDecoder(4096, 1 << 20), hex);
        assertThat(e.isConnectionError()).isTrue();
        assertThat(e.errorCode()).isEqualTo(Http2Frames.COMPRESSION_ERROR);
        assertThat(e).hasMessageContaining(message);
    }

    @Test
    void indexZeroAndIndicesPastTheTablesAreCompressionErrors() {
        assertCompressionError("80", "index 0");
        assertCompressionError("be", "index 62 is not in the table (61 entries)");
        assertCompressionError("7f 00 01 61", "index 63"); // literal naming dynamic index 63
    }

    @Test
    void integersAboveTwoToTheThirtyOneAndUnterminatedIntegersAreCompressionErrors() {
        assertCompressionError("ff ff ff ff ff 0f", "integer exceeds 2^31-1");
        assertCompressionError("ff 80 80 80 80 80 00", "integer");
        assertCompressionError("ff 80", "block ends inside an integer");
    }

    @Test
    void stringsLongerThanTheBlockAndBadHuffmanAreCompressionErrors() {
        assertCompressionError("40 05 61 62", "name of 5 bytes exceeds the block's remaining 2");
        assertCompressionError("41 7f", "block ends inside an integer");
        assertCompressionError("41", "block ends before a string literal");
        assertCompressionError("41 81 ff", "invalid Huffman-coded value");
    }

    @Test
    void tableSizeUpdatesAboveOurSettingOrAfterAFieldAreCompressionErrors() {
        assertCompressionError("3fe2 1f", "dynamic table size update to 4097 exceeds our SETTINGS_HEADER_TABLE_SIZE 4096");
        assertCompressionError("82 20", "dynamic table size update after a header field");
    }

    @Test
    void tableSizeUpdateToZeroEmptiesTheTableAndLaterEntriesStayWithinTheNewSize() throws Http2Exception {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        decode(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        assertThat(d.dynamicTableSize()).isEqualTo(55);

        decode(d, "20 3f11 82"); // size 0, then 48, then :method GET
        assertThat(fields).containsExactly(":method: GET");
        assertThat(d.dynamicTableSize()).isZero();

        decode(d, "40 01 61 01 62 40 01 63 01 64"); // a: b (34 octets), then c: d evicts it (48 max)
        assertThat(fields).containsExactly("a: b", "c: d");
        assertThat(d.dynamicTableLength()).isEqualTo(1);
        assertThat(d.field(62)).isEqualTo("c: d");
    }

    @Test
    void aHeaderListOverTheLimitIsAStreamErrorAfterTheWholeBlockSoTheTableStaysInStep() throws Http2Exception {
        HpackDecoder d = new HpackDecoder(4096, 100);
        // x: 60 a's with incremental indexing (93 octets), then the same field again by index: 186 > 100
        String name = "40 01 78 3c" + "61".repeat(60);
        Http2Exception e = failure(d, name + " be");
        assertThat(e.isConnectionError()).isFalse();
        assertThat(e.streamId()).isEqualTo(3);
        assertThat(e.errorCode()).isEqualTo(Http2Frames.PROTOCOL_ERROR);
        assertThat(e).hasMessageContaining("server response headers exceeded 100 bytes; aborted");
        assertThat(d.dynamicTableLength()).isEqualTo(1);

        decode(d, "88");
        assertThat(fields).containsExactly(":status: 200");
        assertThat(d.field(62)).startsWith("x: aaaa");
    }

    @Test
    void aListExactlyAtTheLimitIsAccepted() throws Http2Exception {
        HpackDecoder d = new HpackDecoder(4096, 42);
        decode(d, "88"); // ":status" + "200" + 32 = 42
        assertThat(fields).containsExactly(":status: 200");
    }

    @Test
    void upperCaseOrControlCharactersInNamesAreStreamErrorsWithoutTheValue() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        Http2Exception e = failure(d, "40 01 58 06 736563726574"); // X: secret
        assertThat(e.streamId()).isEqualTo(3);
        assertThat(e.errorCode()).isEqualTo(Http2Frames.PROTOCOL_ERROR);
        assertThat(e).hasMessageContaining("name \"X\" has character 0x58").hasMessageNotContaining("secret");
        assertThat(d.dynamicTableLength()).isEqualTo(1);

        assertThat(failure(d, "00 03 61 20 62 01 31")).hasMessageContaining("name \"a b\" has character 0x20");
        assertThat(failure(d, "00 03 61 3a 62 01 31")).hasMessageContaining("has character 0x3a at 1");
        assertThat(failure(d, "00 00 01 31")).hasMessageContaining("empty name");
    }

    @Test
    void valuesWithCrLfNulOrSurroundingWhiteSpaceAreStreamErrors() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertThat(failure(d, "00 01 61 03 62 0d 63")).hasMessageContaining("value of \"a\" has character 0xd");
        assertThat(failure(d, "00 01 61 03 62 0a 63")).hasMessageContaining("has character 0xa");
        assertThat(failure(d, "00 01 61 03 62 00 63")).hasMessageContaining("has character 0x0");
        assertThat(failure(d, "00 01 61 02 20 63")).hasMessageContaining("starts or ends with white space");
        assertThat(failure(d, "00 01 61 02 63 09")).hasMessageContaining("starts or ends with white space");
    }

    @Test
    void aFieldLargerThanTheWholeTableEmptiesIt() throws Http2Exception {
        HpackDecoder d = new HpackDecoder(64, 1 << 20);
        decode(d, "40 01 61 01 62"); // 34
        decode(d, "40 01 61 20" + "62".repeat(32)); // 65 > 64
        assertThat(d.dynamicTableLength()).isZero();
        assertThat(d.dynamicTableSize()).isZero();
    }

    @Test
    void aValueRepeatedByIndexCannotAmplifyPastTheListLimit() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        // one 4000-byte value indexed, then referenced 10,000 times: 40 MB of header list from 14 KB of block
        String block = "40 01 78 7f a1 1e" + "61".repeat(4000) + "be".repeat(10_000);
        List<String> received = new ArrayList<>();
        byte[] b = Hex.bytes(block);
        assertThatThrownBy(() -> d.decode(5, b, 0, b.length, (n, v) -> received.add(n)))
                .isInstanceOf(Http2Exception.class).hasMessageContaining("exceeded 1048576 bytes");
        assertThat(received.size()).isLessThan(300);
    }

    @Test
    void malformationHelperAcceptsPseudoHeaderNames() {
        assertThat(HpackDecoder.malformation(":status", "200", true)).isNull();
        assertThat(HpackDecoder.malformation("content-type", "text/plain; q=1", true)).isNull();
    }
}
