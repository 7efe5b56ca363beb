package dev.httppool.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.httppool.Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds seeded random byte strings and mutations of valid responses through the head parser, the framing
 * decision and the body streams. Every input must finish quickly, fail only with an {@link IOException},
 * respect the size limits, and valid inputs must decode to exactly what was encoded. Input {@code n} is
 * generated from {@code new Random(n)}, so a failing seed reproduces alone. Set the system property
 * {@code httppool.fuzz.iterations} for longer runs.
 */
class ParserFuzzTest {

    private static final int MAX_HEADER = 8 * 1024;
    private static final int MAX_TRAILER = 2 * 1024;
    private static final int BATCH = 1_000; // small enough that a loaded machine never nears the hang bound
    private static final int[] BUFFER_SIZES = {1, 2, 3, 7, 16, 64, 512, 8192};

    private long valid;
    private long mutated;
    private long random;
    private long rejected;

    @Test
    void survivesRandomAndMutatedResponses() {
        int iterations = Integer.getInteger("httppool.fuzz.iterations", 200_000);
        long start = System.nanoTime();
        for (long first = 1; first <= iterations; first += BATCH) {
            long from = first;
            long to = Math.min(iterations, first + BATCH - 1);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (long seed = from; seed <= to; seed++) {
                    runOne(seed);
                }
            }, () -> "fuzz batch of seeds " + from + ".." + to + " did not finish within 10 s");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("ParserFuzzTest: tried %d inputs (%d valid, %d mutated, %d random; %d rejected with an"
                + " IOException) in %d ms%n", iterations, valid, mutated, random, rejected, millis);
        assertThat(valid + mutated + random).isEqualTo(iterations);
    }

    private void runOne(long seed) {
        Random r = new Random(seed);
        int mode = r.nextInt(100);
        FuzzInputs.Sample sample = null;
        byte[] input;
        String method;
        if (mode < 15) {
            input = FuzzInputs.randomInput(r);
            method = r.nextInt(10) == 0 ? "HEAD" : "GET";
            random++;
        } else {
            sample = FuzzInputs.validSample(r, MAX_HEADER);
            method = sample.method;
            input = sample.wire.toByteArray();
            if (mode < 40) {
                valid++;
            } else {
                int mutations = 1 + r.nextInt(4);
                for (int i = 0; i < mutations; i++) {
                    input = FuzzInputs.mutate(r, input);
                }
                sample = null;
                mutated++;
            }
        }
        int bufferSize = BUFFER_SIZES[r.nextInt(BUFFER_SIZES.length)];
        boolean trickle = r.nextInt(8) == 0;
        int readSize = 1 + r.nextInt(r.nextBoolean() ? 8 : 4096);
        Decoded decoded;
        try {
            decoded = decode(input, method, bufferSize, trickle, readSize);
        } catch (IOException e) {
            rejected++;
            if (sample != null && !(sample.headTooLarge && e instanceof ProtocolException)) {
                throw new AssertionError("seed " + seed + ": valid input rejected: " + e + "\ninput: "
                        + Http1Text.quote(input, 0, input.length), e);
            }
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("seed " + seed + ": unexpected " + e + "\ninput: "
                    + Http1Text.quote(input, 0, input.length), e);
        }
        if (sample != null) {
            String what = "seed " + seed;
            assertThat(sample.headTooLarge).as(what + ": oversized head accepted").isFalse();
            assertThat(decoded.head.status()).as(what).isEqualTo(sample.status);
            assertThat(fieldList(decoded.head.headers())).as(what).isEqualTo(sample.fields);
            assertThat(decoded.body).as(what).isEqualTo(sample.body);
            assertThat(fieldList(decoded.trailers)).as(what).isEqualTo(sample.trailers);
        }
    }

    /** What one input decoded to. */
    private static final class Decoded {
        ResponseHead head;
        byte[] body;
        Headers trailers = Headers.empty();
    }

    private static Decoded decode(byte[] input, String method, int bufferSize, boolean trickle, int readSize)
            throws IOException {
        InputStream raw = trickle ? new CodecTestSupport.OneByteInputStream(input) : new ByteArrayInputStream(input);
        WireInput in = new WireInput(raw, bufferSize);
        Decoded d = new Decoded();
        do {
            d.head = ResponseHeadParser.read(in, MAX_HEADER);
            if (d.head.headerBytes() > MAX_HEADER || d.head.headerBytes() > input.length) {
                throw new AssertionError("head of " + d.head.headerBytes() + " bytes returned");
            }
        } while (d.head.isInformational());
        BodyFraming framing = BodyFraming.of(method, d.head);
        switch (framing.kind()) {
            case NONE:
                d.body = new byte[0];
                break;
            case FIXED:
                FixedLengthInputStream fixed = new FixedLengthInputStream(in, framing.length());
                d.body = CodecTestSupport.readAll(fixed, readSize);
                if (!fixed.isComplete()) {
                    throw new AssertionError("fixed-length body ended early without an exception");
                }
                break;
            case CHUNKED:
                ChunkedInputStream chunked = new ChunkedInputStream(in, MAX_TRAILER);
                d.body = CodecTestSupport.readAll(chunked, readSize);
                if (!chunked.isComplete()) {
                    throw new AssertionError("chunked body ended early without an exception");
                }
                d.trailers = chunked.trailers();
                long trailerBytes = 0;
                for (int i = 0; i < d.trailers.size(); i++) {
                    trailerBytes += d.trailers.name(i).length() + 1 + d.trailers.value(i).length() + 1;
                }
                if (trailerBytes > MAX_TRAILER) {
                    throw new AssertionError("trailers of at least " + trailerBytes + " bytes returned");
                }
                break;
            default:
                d.body = CodecTestSupport.readAll(in, readSize);
        }
        if (d.body.length > input.length) {
            throw new AssertionError("body longer than the input");
        }
        return d;
    }

    private static List<String> fieldList(Headers h) {
        List<String> out = new ArrayList<>(h.size());
        for (int i = 0; i < h.size(); i++) {
            out.add(h.name(i) + "=" + h.value(i));
        }
        return out;
    }
}
