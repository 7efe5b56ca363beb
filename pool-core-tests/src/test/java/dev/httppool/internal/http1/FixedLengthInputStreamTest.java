package dev.httppool.internal.http1;

import static dev.httppool.internal.http1.CodecTestSupport.bytes;
import static dev.httppool.internal.http1.CodecTestSupport.latin1;
import static dev.httppool.internal.http1.CodecTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class FixedLengthInputStreamTest {

    @Test
    void readsExactlyTheLengthThenReportsEndOfStream() throws IOException {
        ByteArrayInputStream wire = new ByteArrayInputStream(bytes("hello world"));
        FixedLengthInputStream body = new FixedLengthInputStream(wire, 5);

        assertThat(latin1(readAll(body, 3))).isEqualTo("hello");
        assertThat(body.read()).isEqualTo(-1);
        assertThat(body.read(new byte[4], 0, 4)).isEqualTo(-1);
        assertThat(body.isComplete()).isTrue();
        assertThat(body.remaining()).isZero();
        assertThat(latin1(wire.readAllBytes())).isEqualTo(" world");
    }

    @Test
    void readsSingleBytes() throws IOException {
        FixedLengthInputStream body = new FixedLengthInputStream(new ByteArrayInputStream(bytes("ab")), 2);

        assertThat(body.read()).isEqualTo('a');
        assertThat(body.remaining()).isEqualTo(1);
        assertThat(body.isComplete()).isFalse();
        assertThat(body.read()).isEqualTo('b');
        assertThat(body.read()).isEqualTo(-1);
    }

    @Test
    void readsBodyArrivingOneByteAtATime() throws IOException {
        FixedLengthInputStream body = new FixedLengthInputStream(
                new CodecTestSupport.OneByteInputStream(bytes("0123456789")), 10);

        assertThat(latin1(readAll(body, 100))).isEqualTo("0123456789");
        assertThat(body.isComplete()).isTrue();
    }

    @Test
    void zeroLengthBodyIsCompleteAtOnce() throws IOException {
        FixedLengthInputStream body = new FixedLengthInputStream(new ByteArrayInputStream(bytes("x")), 0);

        assertThat(body.isComplete()).isTrue();
        assertThat(body.read()).isEqualTo(-1);
    }

    @Test
    void throwsEofExceptionWhenTheBodyIsTruncated() throws IOException {
        FixedLengthInputStream body = new FixedLengthInputStream(new ByteArrayInputStream(bytes("abc")), 10);
        byte[] b = new byte[100];
        assertThat(body.read(b, 0, 100)).isEqualTo(3);

        assertThatThrownBy(() -> body.read(b, 0, 100))
                .isExactlyInstanceOf(EOFException.class)
                .hasMessage("unexpected EOF: expected 7 more body bytes");
        assertThatThrownBy(body::read).isExactlyInstanceOf(EOFException.class);
    }

    @Test
    void closeLeavesTheUnderlyingStreamOpenAndFailsLaterReads() throws IOException {
        ByteArrayInputStream wire = new ByteArrayInputStream(bytes("abcdef"));
        FixedLengthInputStream body = new FixedLengthInputStream(wire, 3);
        body.read();

        body.close();

        assertThatThrownBy(body::read).isInstanceOf(IOException.class).hasMessage("read on closed response body");
        assertThatThrownBy(() -> body.read(new byte[2], 0, 2)).hasMessage("read on closed response body");
        assertThat(body.available()).isZero();
        assertThat(wire.read()).isEqualTo('b');
    }

    @Test
    void availableIsBoundedByTheRemainingLength() throws IOException {
        FixedLengthInputStream body = new FixedLengthInputStream(new ByteArrayInputStream(bytes("abcdef")), 4);

        assertThat(body.available()).isEqualTo(4);
        body.read();
        assertThat(body.available()).isEqualTo(3);
    }

    @Test
    void skipStaysWithinTheBody() throws IOException {
        ByteArrayInputStream wire = new ByteArrayInputStream(bytes("abcdef"));
        FixedLengthInputStream body = new FixedLengthInputStream(wire, 4);

        assertThat(body.skip(10)).isEqualTo(4);
        assertThat(body.isComplete()).isTrue();
        assertThat(wire.read()).isEqualTo('e');
    }

    @Test
    void skipPastTheEndOfATruncatedBodyThrowsEofException() {
        FixedLengthInputStream body = new FixedLengthInputStream(new ByteArrayInputStream(new byte[0]), 4);

        assertThatThrownBy(() -> body.skip(2)).isExactlyInstanceOf(EOFException.class);
    }
}
