package dev.httppool.internal.http1;

import dev.httppool.Headers;
import dev.httppool.internal.net.SensitiveHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings for the bytes of response field names and values that repeat from one response to the next
 * ({@code Server: nginx/1.22.1}, {@code Content-Type: text/plain}, {@code Content-Length: 13}, the
 * {@code Date} of the current second): the String already made for the same bytes is returned instead of a new
 * one, so a steady stream of similar responses allocates no String per field.
 *
 * <p>One small table for the whole JVM, shared by every connection without a lock: a slot holds an immutable
 * entry (safe to publish through a data race) and a lookup compares its bytes with the field's, so a race at worst
 * misses and makes a String as before. Bounded: {@value #SLOTS} slots of at most {@value #MAX_LENGTH} characters. Values
 * of {@link Headers#isSensitive sensitive} fields (cookies, authentication challenges) are never kept.
 */
final class FieldStrings {

    static final int SLOTS = 512;
    static final int MAX_LENGTH = 64;

    /** Slots of immutable entries: safe to publish through a data race (final fields). */
    private static final Entry[] TABLE = new Entry[SLOTS];
    private static final String[] SENSITIVE = SensitiveHeaders.names().toArray(new String[0]);

    private FieldStrings() {
    }

    /** The bytes of a String and the String. */
    private static final class Entry {
        final byte[] bytes;
        final String string;

        Entry(byte[] bytes, String string) {
            this.bytes = bytes;
            this.string = string;
        }
    }

    /** Seeds the table with a String, e.g. a frequent field name, so the first response already shares it. */
    static void seed(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        TABLE[slot(bytes, 0, bytes.length)] = new Entry(bytes, s);
    }

    /** A String of the ISO-8859-1 bytes {@code a[off, off + len)}, the cached one when it matches. */
    static String of(byte[] a, int off, int len) {
        if (len == 0) {
            return "";
        }
        if (len > MAX_LENGTH) {
            return new String(a, off, len, StandardCharsets.ISO_8859_1);
        }
        int slot = slot(a, off, len);
        Entry cached = TABLE[slot];
        if (cached != null && sameBytes(cached.bytes, a, off, len)) {
            return cached.string;
        }
        byte[] bytes = Arrays.copyOfRange(a, off, off + len);
        String made = new String(bytes, StandardCharsets.ISO_8859_1);
        TABLE[slot] = new Entry(bytes, made);
        return made;
    }

    /** A plain loop: for field-sized arrays it is cheaper than Arrays.equals' range checks and vector set-up. */
    private static boolean sameBytes(byte[] cached, byte[] a, int off, int len) {
        if (cached.length != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (cached[i] != a[off + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The slot of some bytes, from their length and a few of them (O(1), not a hash of all of them): strings that
     * differ only elsewhere, as one second's {@code Date} from the next, share a slot, and the newest one stays.
     */
    private static int slot(byte[] a, int off, int len) {
        int end = off + len - 1;
        int h = len;
        h = 31 * h + a[off];
        h = 31 * h + a[off + (len >> 1)];
        h = 31 * h + a[end];
        h = 31 * h + a[off + (len >> 2)];
        h = 31 * h + a[end - (len >> 2)];
        h ^= h >>> 7;
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    /**
     * Whether the field {@code name} holds a secret ({@link Headers#isSensitive}), without lower-casing it: its
     * value is then never cached.
     */
    static boolean isSensitive(String name) {
        int n = name.length();
        char first = (char) (name.charAt(0) | 0x20); // the names are lower-case; a letter's case bit off
        for (String s : SENSITIVE) {
            if (s.length() == n && s.charAt(0) == first && s.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
