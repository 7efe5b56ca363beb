package dev.httppool.internal.http1;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Generates the inputs of {@link ParserFuzzTest}: valid responses, random byte strings and mutations. */
final class FuzzInputs {

    private static final String[] PIECES = {"HTTP/1.1 ", "HTTP/1.0 ", "HTTP/2 ", "200", "100", "204", " OK", "\r\n",
        "\n", "\r", ":", " ", "\t", "\0", "Content-Length: ", "Transfer-Encoding: ", "chunked", "0", "5", "ff",
        ";", "\r\n\r\n", "X-A: b", "99999999999999999999", ","};
    private static final String[] HUGE = {"99999999999999999999", "ffffffffffffffffff", "-1", "18446744073709551616",
        "0", "9223372036854775807", "00000000000000000001", "+1", " "};
    private static final String TCHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";

    /** A valid response and what it must decode to. */
    static final class Sample {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String method = "GET";
        int status;
        final List<String> fields = new ArrayList<>();
        byte[] body = new byte[0];
        final List<String> trailers = new ArrayList<>();
        boolean headTooLarge;
    }

    private FuzzInputs() {
    }

    static Sample validSample(Random r, int maxHeaderBytes) {
        Sample s = new Sample();
        if (r.nextInt(10) == 0) {
            write(s.wire, "HTTP/1.1 1" + r.nextInt(10) + r.nextInt(10) + " Continue" + eol(r) + eol(r));
        }
        int[] statuses = {200, 200, 200, 201, 204, 301, 304, 404, 500, 200 + r.nextInt(800)};
        s.status = statuses[r.nextInt(statuses.length)];
        s.method = r.nextInt(12) == 0 ? "HEAD" : "GET";
        int headStart = s.wire.size();
        int minor = r.nextInt(2);
        write(s.wire, "HTTP/1." + minor + " " + s.status);
        if (r.nextInt(10) != 0) {
            write(s.wire, " " + (r.nextBoolean() ? "OK" : text(r, r.nextInt(20), true)));
        }
        write(s.wire, eol(r));
        int fieldCount = r.nextInt(8);
        for (int i = 0; i < fieldCount; i++) {
            int valueLength = r.nextInt(50) == 0 ? 4000 + r.nextInt(8000) : r.nextInt(30);
            addField(r, s.wire, s.fields, token(r), text(r, valueLength, false));
        }
        int framing = r.nextInt(3);
        boolean hasBody = !s.method.equals("HEAD") && s.status != 204 && s.status != 304;
        byte[] body = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(400)];
        r.nextBytes(body);
        if (framing == 0) {
            String cl = String.valueOf(body.length);
            addField(r, s.wire, s.fields, r.nextBoolean() ? "Content-Length" : "content-length", cl);
            if (r.nextInt(10) == 0) {
                addField(r, s.wire, s.fields, "Content-Length", cl + ", " + cl);
            }
        } else if (framing == 1) {
            addField(r, s.wire, s.fields, "Transfer-Encoding", r.nextBoolean() ? "chunked" : "Chunked");
        }
        write(s.wire, eol(r));
        s.headTooLarge = s.wire.size() - headStart > maxHeaderBytes;
        if (!hasBody) {
            return s;
        }
        s.body = body;
        int bodyStart = s.wire.size();
        if (framing == 1) {
            writeChunked(r, s, body);
        } else {
            s.wire.write(body, 0, body.length);
        }
        if (framing != 2 && r.nextBoolean()) {
            write(s.wire, "HTTP/1.1 200 OK\r\n"); // the next response, which must stay unread
        }
        if (framing == 1 && minor == 0) {
            // HTTP/1.0 has no transfer codings: the body is everything up to the end of the connection.
            byte[] wire = s.wire.toByteArray();
            s.body = java.util.Arrays.copyOfRange(wire, bodyStart, wire.length);
            s.trailers.clear();
        }
        return s;
    }

    private static void writeChunked(Random r, Sample s, byte[] body) {
        int p = 0;
        while (p < body.length) {
            int n = Math.min(body.length - p, 1 + r.nextInt(r.nextBoolean() ? 10 : 200));
            String hex = Integer.toHexString(n);
            write(s.wire, (r.nextBoolean() ? hex : hex.toUpperCase()) + (r.nextInt(5) == 0 ? ";ext=v" : "") + eol(r));
            s.wire.write(body, p, n);
            write(s.wire, eol(r));
            p += n;
        }
        write(s.wire, "0" + (r.nextInt(5) == 0 ? " ; last" : "") + eol(r));
        int trailerCount = r.nextInt(4) == 0 ? 1 + r.nextInt(3) : 0;
        for (int i = 0; i < trailerCount; i++) {
            addField(r, s.wire, s.trailers, token(r), text(r, r.nextInt(20), false));
        }
        write(s.wire, eol(r));
    }

    private static void addField(Random r, ByteArrayOutputStream wire, List<String> fields, String name, String value) {
        write(wire, name + ":" + ows(r) + value + ows(r) + eol(r));
        fields.add(name + "=" + value);
    }

    private static String eol(Random r) {
        return r.nextInt(10) == 0 ? "\n" : "\r\n";
    }

    private static String ows(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return "";
            case 1:
                return "\t ";
            default:
                return " ";
        }
    }

    private static String token(Random r) {
        for (;;) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(12);
            for (int i = 0; i < n; i++) {
                sb.append(TCHARS.charAt(r.nextInt(TCHARS.length())));
            }
            String t = sb.toString();
            if (!t.equalsIgnoreCase("Content-Length") && !t.equalsIgnoreCase("Transfer-Encoding")) {
                return t;
            }
        }
    }

    /** Visible Latin-1 text with inner spaces and tabs but none at the ends (unless {@code edges}). */
    private static String text(Random r, int length, boolean edges) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            int k = r.nextInt(20);
            c[i] = k == 0 ? ' ' : k == 1 ? '\t' : k == 2 ? (char) (0xa0 + r.nextInt(0x60)) : (char) (0x21 + r.nextInt(0x5e));
        }
        if (!edges && length > 0) {
            c[0] = 'x';
            c[length - 1] = 'y';
        }
        return new String(c);
    }

    static byte[] randomInput(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (r.nextInt(4)) {
            case 0:
                write(out, "HTTP/1.1 200 OK\r\n");
                break;
            case 1:
                write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                break;
            case 2:
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + r.nextInt(100) + "\r\n\r\n");
                break;
            default:
                break;
        }
        int pieces = r.nextInt(40);
        for (int i = 0; i < pieces; i++) {
            if (r.nextBoolean()) {
                write(out, PIECES[r.nextInt(PIECES.length)]);
            } else {
                out.write(r.nextInt(256));
            }
        }
        return out.toByteArray();
    }

    static byte[] mutate(Random r, byte[] in) {
        if (in.length == 0) {
            return new byte[] {(byte) r.nextInt(256)};
        }
        int at = r.nextInt(in.length);
        switch (r.nextInt(9)) {
            case 0:
                byte[] flipped = in.clone();
                flipped[at] ^= (byte) (1 + r.nextInt(255));
                return flipped;
            case 1:
                return splice(in, at, at, new byte[] {(byte) "\r\n\0 :\t;0".charAt(r.nextInt(8))});
            case 2:
                return splice(in, at, Math.min(in.length, at + 1 + r.nextInt(10)), new byte[0]);
            case 3:
                return Arrays.copyOf(in, at);
            case 4:
                int lineStart = lastIndexOf(in, (byte) '\n', at) + 1;
                int lineEnd = indexOf(in, (byte) '\n', at);
                lineEnd = lineEnd < 0 ? in.length : lineEnd + 1;
                return splice(in, lineEnd, lineEnd, Arrays.copyOfRange(in, lineStart, lineEnd));
            case 5:
                int digit = indexOfDigit(in, at);
                if (digit < 0) {
                    return in;
                }
                int end = digit;
                while (end < in.length && Character.digit(in[end], 16) >= 0) {
                    end++;
                }
                return splice(in, digit, end, bytes(HUGE[r.nextInt(HUGE.length)]));
            case 6:
                String[] injections = {"\r", "\n", "\0", "\r\n", "\r\n\r\n", "\n ", "\r\n\t"};
                return splice(in, at, at, bytes(injections[r.nextInt(injections.length)]));
            case 7:
                byte[] swapped = in.clone();
                int other = r.nextInt(in.length);
                swapped[at] = in[other];
                swapped[other] = in[at];
                return swapped;
            default:
                byte[] run = new byte[1 + r.nextInt(12_000)];
                Arrays.fill(run, (byte) (r.nextBoolean() ? 'a' : r.nextInt(256)));
                return splice(in, at, at, run);
        }
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] replacement) {
        byte[] out = new byte[in.length - (to - from) + replacement.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(replacement, 0, out, from, replacement.length);
        System.arraycopy(in, to, out, from + replacement.length, in.length - to);
        return out;
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] a, byte b, int before) {
        for (int i = before - 1; i >= 0; i--) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfDigit(byte[] a, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] >= '0' && a[i] <= '9') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void write(ByteArrayOutputStream out, String s) {
        byte[] b = bytes(s);
        out.write(b, 0, b.length);
    }
}
