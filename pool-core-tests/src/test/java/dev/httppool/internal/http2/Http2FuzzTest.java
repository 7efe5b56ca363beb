package dev.httppool.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds seeded random byte strings and mutations of valid server byte streams (frames whose header blocks come from
 * {@link HpackEncoder}) through {@link FrameReader} and {@link HpackDecoder}, and random or mutated header blocks
 * through the decoder alone. Every input must finish quickly, fail only with an {@link IOException} (an
 * {@link Http2Exception} or a premature end), never hold more than the limits allow, and valid inputs must decode
 * to exactly the frames and fields written. Input {@code n} comes from {@code new Random(n)}, so a failing seed
 * reproduces alone; {@code -Dhttppool.fuzz.iterations=N} runs longer.
 */
class Http2FuzzTest {

    private static final int BATCH = 25_000;
    private static final int MAX_LIST = 8 * 1024;
    private static final int MAX_BLOCK = 4 * 1024;
    private static final String[] NAMES = {":status", "content-type", "content-length", "date", "server",
        "set-cookie", "cache-control", "x-request-id", "vary", "location", "x-a"};

    private long valid;
    private long mutated;
    private long random;
    private long hpackOnly;
    private long refused;

    @Test
    void survivesRandomAndMutatedFrameStreamsAndHeaderBlocks() {
        int iterations = Integer.getInteger("httppool.fuzz.iterations", 200_000);
        long start = System.nanoTime();
        for (long first = 1; first <= iterations; first += BATCH) {
            long from = first;
            long to = Math.min(iterations, first + BATCH - 1);
            assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
                for (long seed = from; seed <= to; seed++) {
                    runOne(seed);
                }
            }, () -> "fuzz batch of seeds " + from + ".." + to + " did not finish within 15 s");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("Http2FuzzTest: tried %d inputs (%d valid, %d mutated, %d random frame streams, %d header"
                + " blocks alone; %d refused with an IOException) in %d ms%n", iterations, valid, mutated, random,
                hpackOnly, refused, millis);
        assertThat(valid + mutated + random + hpackOnly).isEqualTo(iterations);
    }

    private void runOne(long seed) {
        Random r = new Random(seed);
        int mode = r.nextInt(100);
        byte[] input;
        List<String> expected = null;
        boolean blockOnly = mode >= 85;
        if (mode < 10) {
            input = randomBytes(r, blockOnly);
            random++;
        } else if (blockOnly) {
            Sample s = validBlocks(r);
            input = r.nextInt(4) == 0 ? randomBytes(r, true) : mutate(r, s.bytes);
            hpackOnly++;
        } else {
            Sample s = validStream(r);
            input = s.bytes;
            if (mode < 35) {
                expected = s.events;
                valid++;
            } else {
                for (int i = 1 + r.nextInt(3); i > 0; i--) {
                    input = mutate(r, input);
                }
                mutated++;
            }
        }
        List<String> events = new ArrayList<>();
        try {
            if (blockOnly) {
                decodeBlocks(input, events);
            } else {
                readStream(input, r.nextInt(4) == 0, events);
            }
        } catch (IOException e) {
            refused++;
            if (expected != null) {
                throw new AssertionError("seed " + seed + ": valid input refused: " + e, e);
            }
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("seed " + seed + ": unexpected " + e + "\ninput: " + Hex.of(input, 0,
                    input.length), e);
        }
        if (expected != null) {
            assertThat(events).as("seed %d", seed).isEqualTo(expected);
        }
    }

    /** Reads frames to the end, decoding header blocks; stream errors are recorded and reading goes on. */
    private static void readStream(byte[] input, boolean trickle, List<String> events) throws IOException {
        java.io.InputStream in = trickle ? new OneByteAtATime(input) : new ByteArrayInputStream(input);
        FrameReader reader = new FrameReader(in, Http2Frames.DEFAULT_MAX_FRAME_SIZE, MAX_BLOCK);
        HpackDecoder decoder = new HpackDecoder(Http2Frames.DEFAULT_HEADER_TABLE_SIZE, MAX_LIST);
        BlockHandler handler = new BlockHandler(decoder, events);
        while (true) {
            try {
                if (!reader.nextFrame(handler)) {
                    return;
                }
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
                events.add("stream error " + e.streamId());
            }
            if (handler.block.size() > MAX_BLOCK) {
                throw new AssertionError("header block of " + handler.block.size() + " bytes assembled");
            }
        }
    }

    /** Decodes length-prefixed header blocks with one decoder, as a connection would. */
    private static void decodeBlocks(byte[] input, List<String> events) throws IOException {
        HpackDecoder decoder = new HpackDecoder(Http2Frames.DEFAULT_HEADER_TABLE_SIZE, MAX_LIST);
        int[] listSize = {0};
        for (int p = 0; p < input.length; ) {
            int len = Math.min(input.length - p, (input[p] & 0xff) + 1);
            p++;
            len = Math.min(len, input.length - p);
            listSize[0] = 0;
            try {
                decoder.decode(1, input, p, len, (n, v) -> {
                    listSize[0] += n.length() + v.length() + 32;
                    events.add(n);
                });
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
            }
            if (listSize[0] > MAX_LIST || decoder.dynamicTableSize() > Http2Frames.DEFAULT_HEADER_TABLE_SIZE) {
                throw new AssertionError("limits exceeded: list " + listSize[0] + ", table "
                        + decoder.dynamicTableSize());
            }
            p += len;
        }
    }

    /** A valid input and the events it must produce. */
    private static final class Sample {
        byte[] bytes;
        final List<String> events = new ArrayList<>();
    }

    private static Sample validStream(Random r) {
        Sample s = new Sample();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HpackEncoder encoder = new HpackEncoder();
        for (int i = 1 + r.nextInt(6); i > 0; i--) {
            int stream = 1 + 2 * r.nextInt(5);
            switch (r.nextInt(8)) {
                case 0 -> {
                    frame(out, Http2Frames.TYPE_SETTINGS, 0, 0, Hex.bytes("000300000064 000400010000"));
                    s.events.add("SETTINGS 3=100 4=65536");
                }
                case 1 -> {
                    frame(out, Http2Frames.TYPE_PING, 1, 0, Hex.bytes("0000000000000007"));
                    s.events.add("PING ACK 7");
                }
                case 2 -> {
                    frame(out, Http2Frames.TYPE_WINDOW_UPDATE, 0, stream, Hex.bytes("00001000"));
                    s.events.add("WINDOW_UPDATE " + stream + " 4096");
                }
                case 3 -> {
                    byte[] body = new byte[r.nextInt(200)];
                    r.nextBytes(body);
                    boolean padded = r.nextBoolean();
                    byte[] payload = body;
                    if (padded) {
                        payload = new byte[body.length + 4];
                        payload[0] = 3;
                        System.arraycopy(body, 0, payload, 1, body.length);
                    }
                    frame(out, Http2Frames.TYPE_DATA, padded ? 0x9 : 0x1, stream, payload);
                    s.events.add("DATA " + stream + " END_STREAM " + Hex.of(body, 0, body.length));
                }
                case 4 -> {
                    frame(out, Http2Frames.TYPE_RST_STREAM, 0, stream, Hex.bytes("00000008"));
                    s.events.add("RST_STREAM " + stream + " CANCEL");
                }
                default -> headers(r, out, encoder, stream, s.events);
            }
        }
        if (r.nextInt(4) == 0) {
            frame(out, Http2Frames.TYPE_GOAWAY, 0, 0, Hex.bytes("0000000900000000"));
            s.events.add("GOAWAY 9 NO_ERROR ");
        }
        s.bytes = out.toByteArray();
        return s;
    }

    private static void headers(Random r, ByteArrayOutputStream out, HpackEncoder encoder, int stream,
            List<String> events) {
        encoder.beginBlock();
        StringBuilder fields = new StringBuilder("FIELDS " + stream);
        for (int i = r.nextInt(8); i >= 0; i--) {
            String name = NAMES[r.nextInt(NAMES.length)];
            String value = r.nextInt(5) == 0 ? "v" + "x".repeat(r.nextInt(300)) : Integer.toString(r.nextInt(1000));
            encoder.header(name, value);
            fields.append(", ").append(name).append(": ").append(value);
        }
        byte[] block = Arrays.copyOf(encoder.block(), encoder.blockLength());
        int first = r.nextBoolean() ? block.length : r.nextInt(block.length + 1);
        frame(out, Http2Frames.TYPE_HEADERS, (first == block.length ? 0x4 : 0) | 0x1, stream,
                Arrays.copyOfRange(block, 0, first));
        for (int p = first; p < block.length; ) {
            int n = Math.min(block.length - p, Math.max(1 + r.nextInt(64), block.length / 12)); // within the frame cap
            frame(out, Http2Frames.TYPE_CONTINUATION, p + n == block.length ? 0x4 : 0, stream,
                    Arrays.copyOfRange(block, p, p + n));
            p += n;
        }
        events.add(fields.toString());
    }

    private static Sample validBlocks(Random r) {
        Sample s = new Sample();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HpackEncoder encoder = new HpackEncoder();
        for (int b = 1 + r.nextInt(3); b > 0; b--) {
            encoder.beginBlock();
            for (int i = r.nextInt(6); i >= 0; i--) {
                encoder.header(NAMES[r.nextInt(NAMES.length)], "v" + r.nextInt(100));
            }
            int n = Math.min(encoder.blockLength(), 256);
            out.write(n - 1 < 0 ? 0 : n - 1);
            out.write(encoder.block(), 0, Math.max(n, 1));
        }
        s.bytes = out.toByteArray();
        return s;
    }

    private static void frame(ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload) {
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        out.write(payload, 0, payload.length);
    }

    private static byte[] randomBytes(Random r, boolean hpack) {
        byte[] b = new byte[r.nextInt(hpack ? 300 : 600)];
        r.nextBytes(b);
        if (!hpack && b.length >= 9 && r.nextBoolean()) {
            b[0] = 0; // plausible lengths and types make random frames reach the payload checks
            b[1] = (byte) (b[1] & 0x01);
            b[3] = (byte) r.nextInt(11);
        }
        return b;
    }

    private static final int[] INTERESTING = {0, 1, 0x7f, 0x80, 0xff, 0x3f, 0x1f, 0x40, 0x20, 0x10, 0x09, 0x04};

    private static byte[] mutate(Random r, byte[] in) {
        if (in.length == 0) {
            return new byte[] {(byte) r.nextInt(256)};
        }
        int p = r.nextInt(in.length);
        switch (r.nextInt(6)) {
            case 0 -> {
                byte[] out = in.clone();
                out[p] ^= (byte) (1 << r.nextInt(8));
                return out;
            }
            case 1 -> {
                byte[] out = in.clone();
                out[p] = (byte) INTERESTING[r.nextInt(INTERESTING.length)];
                return out;
            }
            case 2 -> {
                return Arrays.copyOf(in, p);
            }
            case 3 -> {
                int n = Math.min(in.length - p, 1 + r.nextInt(16));
                byte[] out = new byte[in.length - n];
                System.arraycopy(in, 0, out, 0, p);
                System.arraycopy(in, p + n, out, p, in.length - p - n);
                return out;
            }
            case 4 -> {
                int n = Math.min(in.length - p, 1 + r.nextInt(32));
                byte[] out = new byte[in.length + n];
                System.arraycopy(in, 0, out, 0, p + n);
                System.arraycopy(in, p, out, p + n, in.length - p);
                return out;
            }
            default -> {
                byte[] extra = new byte[1 + r.nextInt(8)];
                r.nextBytes(extra);
                byte[] out = new byte[in.length + extra.length];
                System.arraycopy(in, 0, out, 0, p);
                System.arraycopy(extra, 0, out, p, extra.length);
                System.arraycopy(in, p, out, p + extra.length, in.length - p);
                return out;
            }
        }
    }

    /** Records frames as {@link RecordingHandler} does, but assembles and decodes header blocks. */
    private static final class BlockHandler implements FrameReader.Handler {
        private final HpackDecoder decoder;
        private final List<String> events;
        private final RecordingHandler frames = new RecordingHandler();
        final ByteArrayOutputStream block = new ByteArrayOutputStream();

        BlockHandler(HpackDecoder decoder, List<String> events) {
            this.decoder = decoder;
            this.events = events;
        }

        private void fragment(int streamId, byte[] buf, int off, int len, boolean end) throws Http2Exception {
            block.write(buf, off, len);
            if (end) {
                StringBuilder b = new StringBuilder("FIELDS " + streamId);
                byte[] whole = block.toByteArray();
                block.reset();
                decoder.decode(streamId, whole, 0, whole.length, (n, v) -> b.append(", ").append(n).append(": ")
                        .append(v));
                events.add(b.toString());
            }
        }

        @Override
        public void data(int streamId, boolean endStream, byte[] buf, int off, int len, int flowControlled) {
            frames.data(streamId, endStream, buf, off, len, flowControlled);
            flush();
        }

        @Override
        public void headers(int streamId, boolean endStream, byte[] buf, int off, int len, boolean endHeaders)
                throws Http2Exception {
            block.reset();
            fragment(streamId, buf, off, len, endHeaders);
        }

        @Override
        public void continuation(int streamId, byte[] buf, int off, int len, boolean endHeaders)
                throws Http2Exception {
            fragment(streamId, buf, off, len, endHeaders);
        }

        @Override
        public void settings(boolean ack, List<Http2Frames.Setting> settings) {
            frames.settings(ack, settings);
            flush();
        }

        @Override
        public void ping(boolean ack, long payload) {
            frames.ping(ack, payload);
            flush();
        }

        @Override
        public void goAway(int lastStreamId, long errorCode, byte[] debugData) {
            frames.goAway(lastStreamId, errorCode, debugData);
            flush();
        }

        @Override
        public void rstStream(int streamId, long errorCode) {
            frames.rstStream(streamId, errorCode);
            flush();
        }

        @Override
        public void windowUpdate(int streamId, int increment) {
            frames.windowUpdate(streamId, increment);
            flush();
        }

        private void flush() {
            events.addAll(frames.frames);
            frames.frames.clear();
        }
    }

    /** Returns at most one byte per read, as a slow peer would. */
    private static final class OneByteAtATime extends ByteArrayInputStream {
        OneByteAtATime(byte[] b) {
            super(b);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1));
        }
    }
}
