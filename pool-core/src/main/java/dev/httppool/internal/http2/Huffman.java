package dev.httppool.internal.http2;

/**
 * HPACK's static Huffman code (RFC 7541 §5.2, Appendix B). The code is canonical: the RFC's table assigns codes in
 * order of (length, symbol), so the table below holds only each symbol's code length and the codes follow from it.
 * Decoding rejects the EOS symbol, padding longer than 7 bits and padding that is not the all-ones prefix of EOS.
 */
final class Huffman {

    /** Code length in bits of symbols 0..255 and of EOS (256), from RFC 7541 Appendix B. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };
    private static final int EOS = 256;
    private static final int MAX_LENGTH = 30;

    /** The code of each symbol, right-aligned. */
    private static final int[] CODES = new int[257];
    /** For canonical decoding: per length, the first code, the number of codes and where they start in SORTED. */
    private static final int[] FIRST = new int[MAX_LENGTH + 1];
    private static final int[] COUNT = new int[MAX_LENGTH + 1];
    private static final int[] OFFSET = new int[MAX_LENGTH + 1];
    private static final short[] SORTED = new short[257];
    /** The next 8 input bits to (length << 9 | symbol) for codes of at most 8 bits, else 0. */
    private static final short[] FAST = new short[256];

    static {
        int n = 0;
        for (int len = 1; len <= MAX_LENGTH; len++) {
            OFFSET[len] = n;
            for (int sym = 0; sym <= EOS; sym++) {
                if (LENGTHS[sym] == len) {
                    SORTED[n++] = (short) sym;
                    COUNT[len]++;
                }
            }
        }
        int code = 0;
        for (int len = 1; len <= MAX_LENGTH; len++) {
            FIRST[len] = code;
            for (int i = 0; i < COUNT[len]; i++) {
                CODES[SORTED[OFFSET[len] + i]] = code++;
            }
            code <<= 1;
        }
        for (int sym = 0; sym < EOS; sym++) {
            int len = LENGTHS[sym];
            if (len <= 8) {
                int first = CODES[sym] << (8 - len);
                for (int i = 0; i < 1 << (8 - len); i++) {
                    FAST[first + i] = (short) (len << 9 | sym);
                }
            }
        }
    }

    private Huffman() {
    }

    /** The number of bytes {@code s} takes Huffman-coded; its chars are taken as bytes (ISO-8859-1). */
    static int encodedLength(String s) {
        long bits = 0;
        for (int i = 0; i < s.length(); i++) {
            bits += LENGTHS[s.charAt(i) & 0xff];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Writes {@code s} Huffman-coded into {@code dst} at {@code pos}, padded with ones; returns the end position. */
    static int encode(String s, byte[] dst, int pos) {
        long acc = 0;
        int bits = 0;
        for (int i = 0; i < s.length(); i++) {
            int sym = s.charAt(i) & 0xff;
            acc = acc << LENGTHS[sym] | CODES[sym];
            bits += LENGTHS[sym];
            while (bits >= 8) {
                bits -= 8;
                dst[pos++] = (byte) (acc >>> bits);
            }
        }
        if (bits > 0) {
            dst[pos++] = (byte) (acc << (8 - bits) | 0xff >>> bits);
        }
        return pos;
    }

    /**
     * Decodes {@code len} Huffman-coded bytes of {@code src} into {@code dst} (which must hold {@code len * 8 / 5}
     * bytes) and returns the decoded length, or -1 if the input is not a valid HPACK Huffman string.
     */
    static int decode(byte[] src, int off, int len, byte[] dst) {
        int end = off + len;
        int out = 0;
        long acc = 0;
        int bits = 0;
        int i = off;
        while (true) {
            while (bits <= 56 && i < end) {
                acc = acc << 8 | (src[i++] & 0xff);
                bits += 8;
            }
            if (bits >= 8) {
                int e = FAST[(int) (acc >>> (bits - 8)) & 0xff];
                if (e != 0) {
                    dst[out++] = (byte) e;
                    bits -= e >>> 9;
                    continue;
                }
            }
            int sym = -1;
            int codeLen = 0;
            for (int l = 9 - (bits >= 8 ? 0 : 4); l <= MAX_LENGTH && l <= bits; l++) {
                int code = (int) (acc >>> (bits - l)) & ((1 << l) - 1);
                int k = code - FIRST[l];
                if (k >= 0 && k < COUNT[l]) {
                    sym = SORTED[OFFSET[l] + k];
                    codeLen = l;
                    break;
                }
            }
            if (sym < 0) {
                // what is left must be padding: at most 7 bits, all ones (the start of EOS)
                long mask = (1L << bits) - 1;
                return bits <= 7 && (acc & mask) == mask ? out : -1;
            }
            if (sym == EOS) {
                return -1;
            }
            dst[out++] = (byte) sym;
            bits -= codeLen;
        }
    }
}
