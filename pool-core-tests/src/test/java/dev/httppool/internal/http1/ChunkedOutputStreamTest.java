package dev.httppool.internal.http1;

import static dev.httppool.internal.http1.CodecTestSupport.bytes;
import static dev.httppool.internal.http1.CodecTestSupport.latin1;
import static dev.httppool.internal.http1.CodecTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedOutputStreamTest {

    /** Records writes, flushes and closes. */
    private static final class Recorder extends ByteArrayOutputStream {
        int writes;
        int flushes;
        boolean closed;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            super.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
            closed = true;
        }

        String text() {
            return latin1(toByteArray());
        }
    }

    @Test
    void eachArrayWriteBecomesOneChunk() throws IOException {
        Recorder out = new Recorder();
        ChunkedOutputStream chunked = new ChunkedOutputStream(out);

        chunked.write(bytes("hello"));
        chunked.write(bytes("0123456789abcdefg"));

        assertThat(out.text()).isEqualTo("5\r\nhello\r\n11\r\n0123456789abcdefg\r\n");
        assertThat(out.writes).isEqualTo(2);
    }

    @Test
    void emptyWritesEmitNothing() throws IOException {
        Recorder out = new Recorder();

        new ChunkedOutputStream(out).write(new byte[0]);

        assertThat(out.size()).isZero();
    }

    @Test
    void largeWritesGetAHexHeaderAndTrailingCrlf() throws IOException {
        Recorder out = new Recorder();
        byte[] data = new byte[70_000];
        java.util.Arrays.fill(data, (byte) 'z');

        new ChunkedOutputStream(out).write(data);

        assertThat(out.text()).isEqualTo("11170\r\n" + "z".repeat(70_000) + "\r\n");
    }

    @Test
    void singleByteWritesAreGatheredUntilFlush() throws IOException {
        Recorder out = new Recorder();
        ChunkedOutputStream chunked = new ChunkedOutputStream(out);

        chunked.write('a');
        chunked.write('b');
        assertThat(out.size()).isZero();
        chunked.flush();

        assertThat(out.text()).isEqualTo("2\r\nab\r\n");
        assertThat(out.flushes).isEqualTo(1);
    }

    @Test
    void singleByteWritesBecomeAChunkWhenTheBufferFills() throws IOException {
        Recorder out = new Recorder();
        ChunkedOutputStream chunked = new ChunkedOutputStream(out);

        for (int i = 0; i < 1025; i++) {
            chunked.write('x');
        }

        assertThat(out.text()).isEqualTo("400\r\n" + "x".repeat(1024) + "\r\n");
    }

    @Test
    void pendingBytesJoinTheNextArrayWritesChunk() throws IOException {
        Recorder out = new Recorder();
        ChunkedOutputStream chunked = new ChunkedOutputStream(out);

        chunked.write('a');
        chunked.write(bytes("bc"));
        chunked.write('d');
        chunked.write(bytes("e".repeat(2000)));

        assertThat(out.text()).isEqualTo("3\r\nabc\r\n7d1\r\nd" + "e".repeat(2000) + "\r\n");
    }

    @Test
    void finishWritesPendingBytesAndTheLastChunkExactlyOnce() throws IOException {
        Recorder out = new Recorder();
        ChunkedOutputStream chunked = new ChunkedOutputStream(out);
        chunked.write('q');

        chunked.finish();
        chunked.finish();
        chunked.close();

        assertThat(out.text()).isEqualTo("1\r\nq\r\n0\r\n\r\n");
        assertThat(out.closed).isFalse();
        assertThat(out.flushes).isZero();
    }

    @Test
    void closeFinishesWithoutClosingTheUnderlyingStream() throws IOException {
        Recorder out = new Recorder();

        new ChunkedOutputStream(out).close();

        assertThat(out.text()).isEqualTo("0\r\n\r\n");
        assertThat(out.closed).isFalse();
    }

    @Test
    void rejectsWritesAfterFinish() throws IOException {
        ChunkedOutputStream chunked = new ChunkedOutputStream(new Recorder());
        chunked.finish();

        assertThatThrownBy(() -> chunked.write('a')).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> chunked.write(bytes("abc"))).isInstanceOf(IOException.class);
    }

    @Test
    void flushAfterFinishOnlyFlushesTheUnderlyingStream() throws IOException {
        Recorder out = new Recorder();
        ChunkedOutputStream chunked = new ChunkedOutputStream(out);
        chunked.finish();

        chunked.flush();

        assertThat(out.text()).isEqualTo("0\r\n\r\n");
        assertThat(out.flushes).isEqualTo(1);
    }

    @Test
    void roundTripsThroughChunkedInputStream() throws IOException {
        Random random = new Random(42);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Recorder out = new Recorder();
        ChunkedOutputStream chunked = new ChunkedOutputStream(out);
        for (int i = 0; i < 200; i++) {
            byte[] piece = new byte[random.nextInt(3000)];
            random.nextBytes(piece);
            if (random.nextBoolean()) {
                chunked.write(piece);
            } else {
                for (byte b : piece) {
                    chunked.write(b);
                }
            }
            expected.write(piece);
        }
        chunked.close();

        ChunkedInputStream decoded = new ChunkedInputStream(
                new WireInput(new ByteArrayInputStream(out.toByteArray()), 512), 0);
        assertThat(readAll(decoded, 777)).isEqualTo(expected.toByteArray());
        assertThat(decoded.isComplete()).isTrue();
    }
}
