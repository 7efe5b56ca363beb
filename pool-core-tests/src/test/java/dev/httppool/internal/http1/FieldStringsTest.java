package dev.httppool.internal.http1;

import static dev.httppool.internal.http1.CodecTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.Headers;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FieldStringsTest {

    private static Headers parse(String head) throws IOException {
        return ResponseHeadParser.read(wire(head), 1 << 20).headers();
    }

    @Test
    void aFieldValueRepeatedInTheNextResponseIsTheSameStringNotANewOne() throws IOException {
        String head = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nX-Trace-Tag: blue\r\nContent-Length: 13\r\n\r\n";

        Headers first = parse(head);
        Headers second = parse(head);

        assertThat(second.first("Server")).isEqualTo("nginx/1.22.1").isSameAs(first.first("Server"));
        assertThat(second.name(1)).isEqualTo("X-Trace-Tag").isSameAs(first.name(1));
        assertThat(second.first("x-trace-tag")).isSameAs(first.first("X-Trace-Tag"));
    }

    @Test
    void secretsAreNeverKeptForTheNextResponse() throws IOException {
        String head = "HTTP/1.1 200 OK\r\nSet-Cookie: session=s3cr3t\r\nset-cookie: b=2\r\n"
                + "WWW-Authenticate: Basic realm=x\r\n\r\n";

        Headers first = parse(head);
        Headers second = parse(head);

        assertThat(second.all("Set-Cookie")).containsExactly("session=s3cr3t", "b=2");
        assertThat(second.first("Set-Cookie")).isNotSameAs(first.first("Set-Cookie"));
        assertThat(second.value(1)).isNotSameAs(first.value(1));
        assertThat(second.first("WWW-Authenticate")).isNotSameAs(first.first("WWW-Authenticate"));
    }

    @Test
    void everyValueReadsAsItsOwnBytesWhateverWasSeenBefore() throws IOException {
        Random random = new Random(15);
        for (int round = 0; round < 5_000; round++) {
            int length = random.nextInt(FieldStrings.MAX_LENGTH + 20);
            StringBuilder value = new StringBuilder();
            for (int i = 0; i < length; i++) {
                value.append((char) ('!' + random.nextInt(94)));
            }
            String v = value.toString().strip();
            String name = "X-" + random.nextInt(50);

            Headers h = parse("HTTP/1.1 200 OK\r\n" + name + ": " + v + "\r\n\r\n");

            assertThat(h.name(0)).isEqualTo(name);
            assertThat(h.value(0)).isEqualTo(v);
        }
    }

    @Test
    void valuesWithLatin1BytesAndSurroundingWhitespaceReadAsBefore() throws IOException {
        Headers first = parse("HTTP/1.1 200 OK\r\nX-A: \t caf\u00e9 au lait \t\r\nX-B:\r\nX-C:   \r\n\r\n");
        Headers second = parse("HTTP/1.1 200 OK\r\nX-A: caf\u00e9 au lait\r\nX-B:\r\nX-C:   \r\n\r\n");

        for (Headers h : new Headers[] {first, second}) {
            assertThat(h.first("X-A")).isEqualTo("caf\u00e9 au lait");
            assertThat(h.first("X-B")).isEmpty();
            assertThat(h.first("X-C")).isEmpty();
        }
    }
}
