package dev.httppool.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples of RFC 7541 Appendix C: each block decodes to the RFC's header list and leaves the RFC's dynamic
 * table (entries newest first, and size); the encoder reproduces the Huffman-coded request examples byte for byte.
 */
class HpackAppendixCTest {

    private static List<String> decode(HpackDecoder decoder, String hex) throws Http2Exception {
        byte[] block = Hex.bytes(hex);
        List<String> fields = new ArrayList<>();
        decoder.decode(1, block, 0, block.length, (n, v) -> fields.add(n + ": " + v));
        return fields;
    }

    private static List<String> dynamicTable(HpackDecoder decoder) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < decoder.dynamicTableLength(); i++) {
            entries.add(decoder.field(HpackTable.STATIC_LENGTH + 1 + i));
        }
        return entries;
    }

    @Test
    void literalWithIndexingEntersTheDynamicTableC21() throws Http2Exception {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertThat(decode(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"))
                .containsExactly("custom-key: custom-header");
        assertThat(dynamicTable(d)).containsExactly("custom-key: custom-header");
        assertThat(d.dynamicTableSize()).isEqualTo(55);
    }

    @Test
    void literalWithoutIndexingLeavesTheTableEmptyC22() throws Http2Exception {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertThat(decode(d, "040c 2f73 616d 706c 652f 7061 7468")).containsExactly(":path: /sample/path");
        assertThat(d.dynamicTableSize()).isZero();
    }

    @Test
    void neverIndexedLiteralLeavesTheTableEmptyC23() throws Http2Exception {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertThat(decode(d, "1008 7061 7373 776f 7264 0673 6563 7265 74")).containsExactly("password: secret");
        assertThat(d.dynamicTableSize()).isZero();
    }

    @Test
    void indexedFieldComesFromTheStaticTableC24() throws Http2Exception {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertThat(decode(d, "82")).containsExactly(":method: GET");
        assertThat(d.dynamicTableSize()).isZero();
    }

    private static final String[] REQUESTS_PLAIN = {
        "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"};
    private static final String[] REQUESTS_HUFFMAN = {
        "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
        "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"};

    @Test
    void requestExamplesDecodeWithoutHuffmanC3() throws Http2Exception {
        checkRequests(REQUESTS_PLAIN);
    }

    @Test
    void requestExamplesDecodeWithHuffmanC4() throws Http2Exception {
        checkRequests(REQUESTS_HUFFMAN);
    }

    private static void checkRequests(String[] blocks) throws Http2Exception {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertThat(decode(d, blocks[0])).containsExactly(":method: GET", ":scheme: http", ":path: /",
                ":authority: www.example.com");
        assertThat(dynamicTable(d)).containsExactly(":authority: www.example.com");
        assertThat(d.dynamicTableSize()).isEqualTo(57);

        assertThat(decode(d, blocks[1])).containsExactly(":method: GET", ":scheme: http", ":path: /",
                ":authority: www.example.com", "cache-control: no-cache");
        assertThat(dynamicTable(d)).containsExactly("cache-control: no-cache", ":authority: www.example.com");
        assertThat(d.dynamicTableSize()).isEqualTo(110);

        assertThat(decode(d, blocks[2])).containsExactly(":method: GET", ":scheme: https", ":path: /index.html",
                ":authority: www.example.com", "custom-key: custom-value");
        assertThat(dynamicTable(d)).containsExactly("custom-key: custom-value", "cache-control: no-cache",
                ":authority: www.example.com");
        assertThat(d.dynamicTableSize()).isEqualTo(164);
    }

    @Test
    void encoderReproducesTheHuffmanRequestExamplesC4() {
        HpackEncoder e = new HpackEncoder();
        String[][][] requests = {
            {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "www.example.com"}},
            {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "www.example.com"},
                {"cache-control", "no-cache"}},
            {{":method", "GET"}, {":scheme", "https"}, {":path", "/index.html"}, {":authority", "www.example.com"},
                {"custom-key", "custom-value"}}};
        for (int i = 0; i < requests.length; i++) {
            e.beginBlock();
            for (String[] f : requests[i]) {
                e.header(f[0], f[1]);
            }
            assertThat(Hex.of(e.block(), 0, e.blockLength())).as("C.4.%d", i + 1)
                    .isEqualTo(Hex.of(Hex.bytes(REQUESTS_HUFFMAN[i]), 0, Hex.bytes(REQUESTS_HUFFMAN[i]).length));
        }
        assertThat(e.dynamicTableSize()).isEqualTo(164);
    }

    private static final String[] RESPONSES_PLAIN = {
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32"
            + " 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "4803 3330 37c1 c0bf",
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970"
            + " 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178"
            + " 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"};
    private static final String[] RESPONSES_HUFFMAN = {
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad"
            + " 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        "4883 640e ffc1 c0bf",
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2"
            + " e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"};

    @Test
    void responseExamplesEvictOldEntriesWithoutHuffmanC5() throws Http2Exception {
        checkResponses(RESPONSES_PLAIN);
    }

    @Test
    void responseExamplesEvictOldEntriesWithHuffmanC6() throws Http2Exception {
        checkResponses(RESPONSES_HUFFMAN);
    }

    private static void checkResponses(String[] blocks) throws Http2Exception {
        HpackDecoder d = new HpackDecoder(256, 1 << 20);
        String date1 = "date: Mon, 21 Oct 2013 20:13:21 GMT";
        String location = "location: https://www.example.com";
        assertThat(decode(d, blocks[0])).containsExactly(":status: 302", "cache-control: private", date1, location);
        assertThat(dynamicTable(d)).containsExactly(location, date1, "cache-control: private", ":status: 302");
        assertThat(d.dynamicTableSize()).isEqualTo(222);

        assertThat(decode(d, blocks[1])).containsExactly(":status: 307", "cache-control: private", date1, location);
        assertThat(dynamicTable(d)).containsExactly(":status: 307", location, date1, "cache-control: private");
        assertThat(d.dynamicTableSize()).isEqualTo(222);

        String date2 = "date: Mon, 21 Oct 2013 20:13:22 GMT";
        String cookie = "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
        assertThat(decode(d, blocks[2])).containsExactly(":status: 200", "cache-control: private", date2, location,
                "content-encoding: gzip", cookie);
        assertThat(dynamicTable(d)).containsExactly(cookie, "content-encoding: gzip", date2);
        assertThat(d.dynamicTableSize()).isEqualTo(215);
    }
}
