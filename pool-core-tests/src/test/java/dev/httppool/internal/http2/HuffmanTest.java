package dev.httppool.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HuffmanTest {

    private static String decode(byte[] in) {
        byte[] out = new byte[in.length * 8 / 5 + 1];
        int n = Huffman.decode(in, 0, in.length, out);
        return n < 0 ? null : new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static byte[] encode(String s) {
        byte[] out = new byte[Huffman.encodedLength(s)];
        assertThat(Huffman.encode(s, out, 0)).isEqualTo(out.length);
        return out;
    }

    @Test
    void encodesTheRfcExampleStrings() {
        assertThat(Hex.of(encode("www.example.com"), 0, 12)).isEqualTo("f1e3c2e5f23a6ba0ab90f4ff");
        assertThat(Hex.of(encode("no-cache"), 0, 6)).isEqualTo("a8eb10649cbf");
        assertThat(Hex.of(encode("302"), 0, 2)).isEqualTo("6402");
        assertThat(Hex.of(encode("Mon, 21 Oct 2013 20:13:21 GMT"), 0, 22))
                .isEqualTo("d07abe941054d444a8200595040b8166e082a62d1bff");
    }

    @Test
    void codesOfEverySymbolMatchTheRfcTableSamples() {
        // rows of RFC 7541 Appendix B: symbol 0, 1, 9, 10 (30 bits), 255
        assertThat(Hex.of(encode("\0"), 0, 2)).isEqualTo("ffc7"); // 1ff8, 13 bits, + 3 padding bits
        assertThat(Hex.of(encode("\1"), 0, 3)).isEqualTo("ffffb1"); // 7fffd8, 23 bits, + one padding bit
        assertThat(Hex.of(encode("\t"), 0, 3)).isEqualTo("ffffea");
        assertThat(Hex.of(encode("\n"), 0, 4)).isEqualTo("fffffff3"); // 3ffffffc, 30 bits, + 2 padding bits
        assertThat(Hex.of(encode("\u00ff"), 0, 4)).isEqualTo("fffffbbf"); // 3ffffee, 26 bits
    }

    @Test
    void everyByteValueRoundTripsAloneAndInRandomStrings() {
        for (int c = 0; c < 256; c++) {
            String s = String.valueOf((char) c);
            assertThat(decode(encode(s))).as("symbol %d", c).isEqualTo(s);
        }
        Random r = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            char[] chars = new char[r.nextInt(100)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) (r.nextBoolean() ? 0x20 + r.nextInt(95) : r.nextInt(256));
            }
            String s = new String(chars);
            assertThat(decode(encode(s))).isEqualTo(s);
        }
    }

    @Test
    void decodingRejectsTheEosSymbol() {
        assertThat(decode(Hex.bytes("ffffffff"))).isNull(); // EOS (30 ones) + 2 padding ones
        assertThat(decode(Hex.bytes("1fffffff ff"))).isNull(); // 'a'-less prefix then EOS inside the string
    }

    @Test
    void decodingRejectsPaddingLongerThanSevenBits() {
        assertThat(decode(Hex.bytes("ff"))).isNull(); // 8 bits of padding alone
        assertThat(decode(Hex.bytes("1fff"))).isNull(); // 'a' (00011) then 11 ones
    }

    @Test
    void decodingRejectsPaddingThatIsNotAllOnes() {
        assertThat(decode(Hex.bytes("18"))).isNull(); // 'a' (00011) then 000
        assertThat(decode(Hex.bytes("1f"))).isEqualTo("a"); // 'a' then 111: valid
        assertThat(decode(new byte[0])).isEmpty();
    }
}
