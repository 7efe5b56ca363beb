package dev.httppool.internal.http1;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Streams and helpers shared by the codec tests. */
final class CodecTestSupport {

    private CodecTestSupport() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static WireInput wire(String s) {
        return new WireInput(new ByteArrayInputStream(bytes(s)), 8192);
    }

    static WireInput wire(String s, int bufferSize) {
        return new WireInput(new ByteArrayInputStream(bytes(s)), bufferSize);
    }

    /** A wire over a stream that hands out one byte per read, with a tiny buffer: every boundary is hit. */
    static WireInput tricklingWire(String s) {
        return new WireInput(new OneByteInputStream(bytes(s)), 3);
    }

    /** Reads {@code in} to its end with reads of {@code chunk} bytes. */
    static byte[] readAll(InputStream in, int chunk) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[chunk];
        for (int n; (n = in.read(b, 0, chunk)) >= 0; ) {
            out.write(b, 0, n);
        }
        return out.toByteArray();
    }

    /** Hands out at most one byte per read, like a slow network. */
    static final class OneByteInputStream extends InputStream {
        private final byte[] data;
        private int pos;

        OneByteInputStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= data.length) {
                return -1;
            }
            b[off] = data[pos++];
            return 1;
        }
    }

    /** Serves its bytes, then fails the test if read again, standing for a peer that sends nothing more. */
    static final class NoMoreInputStream extends InputStream {
        private final byte[] data;
        private int pos;

        NoMoreInputStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            if (pos >= data.length) {
                throw new AssertionError("read would block: the peer has sent nothing more");
            }
            return data[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                throw new AssertionError("read would block: the peer has sent nothing more");
            }
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** Repeats one byte forever. */
    static final class EndlessInputStream extends InputStream {
        private final byte[] prefix;
        private final byte fill;
        private int pos;
        long served;

        EndlessInputStream(String prefix, char fill) {
            this.prefix = bytes(prefix);
            this.fill = (byte) fill;
        }

        @Override
        public int read() {
            served++;
            return pos < prefix.length ? prefix[pos++] & 0xff : fill;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                b[off + i] = (byte) read();
            }
            return len;
        }
    }
}
