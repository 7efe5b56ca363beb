package dev.httppool.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HpackEncoderTest {

    private static List<String> decode(HpackDecoder d, HpackEncoder e) throws Http2Exception {
        List<String> out = new ArrayList<>();
        d.decode(1, e.block(), 0, e.blockLength(), (n, v) -> out.add(n + ": " + v));
        return out;
    }

    @Test
    void sensitiveFieldsAreNeverIndexedAndStayOutOfTheTable() {
        HpackEncoder e = new HpackEncoder();
        e.beginBlock();
        e.header("Authorization", "Bearer secret-token");
        assertThat(e.block()[0] & 0xf0).as("never-indexed literal, static name 23").isEqualTo(0x10);
        assertThat(e.block()[0] & 0x0f).isEqualTo(0x0f);
        e.header("cookie", "a=b");
        e.header("proxy-authorization", "Basic eA==");
        assertThat(e.dynamicTableSize()).isZero();

        e.beginBlock();
        e.header("authorization", "Bearer secret-token");
        assertThat(e.block()[0] & 0xf0).as("sent literally again, never by index").isEqualTo(0x10);
    }

    @Test
    void aRepeatedFieldIsSentAsOneIndexByte() {
        HpackEncoder e = new HpackEncoder();
        e.beginBlock();
        e.header("user-agent", "httppool/1.0");
        assertThat(e.blockLength()).isGreaterThan(5);
        e.beginBlock();
        e.header("user-agent", "httppool/1.0");
        assertThat(e.blockLength()).isEqualTo(1);
        assertThat(e.block()[0] & 0xff).isEqualTo(0x80 | 62);
    }

    @Test
    void perRequestFieldsSuchAsThePathDoNotEnterTheTable() {
        HpackEncoder e = new HpackEncoder();
        e.beginBlock();
        e.header(":path", "/orders/123");
        e.header("content-length", "17");
        assertThat(e.dynamicTableSize()).isZero();
    }

    @Test
    void aSmallerServerTableIsAnnouncedAtTheStartOfTheNextBlock() throws Http2Exception {
        HpackEncoder e = new HpackEncoder();
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        e.beginBlock();
        e.header(":authority", "example.com");
        decode(d, e);
        assertThat(d.dynamicTableSize()).isEqualTo(e.dynamicTableSize()).isPositive();

        e.peerMaxTableSize(0);
        e.peerMaxTableSize(100);
        e.beginBlock();
        e.header(":authority", "example.com");
        assertThat(Hex.of(e.block(), 0, 2)).as("size 0, then size 100").isEqualTo("203f");
        assertThat(decode(d, e)).containsExactly(":authority: example.com");
        assertThat(d.dynamicTableSize()).isEqualTo(e.dynamicTableSize());

        e.beginBlock();
        assertThat(e.blockLength()).as("announced once").isZero();
    }

    @Test
    void aServerTableLargerThanOursChangesNothing() {
        HpackEncoder e = new HpackEncoder();
        e.peerMaxTableSize(1 << 20);
        e.beginBlock();
        assertThat(e.blockLength()).isZero();
    }

    @Test
    void randomHeaderListsRoundTripWithTheTablesInStep() throws Http2Exception {
        Random r = new Random(11);
        HpackEncoder e = new HpackEncoder();
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        String[] names = {":method", ":path", ":authority", "user-agent", "accept", "x-trace", "authorization",
            "cookie", "content-type", "x-long"};
        for (int block = 0; block < 2_000; block++) {
            if (r.nextInt(50) == 0) {
                e.peerMaxTableSize(r.nextInt(5000));
            }
            e.beginBlock();
            List<String> sent = new ArrayList<>();
            for (int i = r.nextInt(12); i > 0; i--) {
                String name = names[r.nextInt(names.length)];
                String value = name.equals("x-long") ? "v".repeat(r.nextInt(3000)) + "z" : "v" + r.nextInt(20);
                e.header(name, value);
                sent.add(name + ": " + value);
            }
            assertThat(decode(d, e)).isEqualTo(sent);
            assertThat(d.dynamicTableSize()).isEqualTo(e.dynamicTableSize());
        }
    }
}
