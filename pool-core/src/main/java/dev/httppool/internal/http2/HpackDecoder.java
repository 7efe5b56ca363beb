package dev.httppool.internal.http2;

import static dev.httppool.internal.http2.Http2Frames.COMPRESSION_ERROR;
import static dev.httppool.internal.http2.Http2Frames.PROTOCOL_ERROR;

import java.nio.charset.StandardCharsets;

/**
 * Decodes HPACK header blocks (RFC 7541) from the server. The dynamic table is bounded by our
 * SETTINGS_HEADER_TABLE_SIZE; integers, string lengths and indices are checked before use; Huffman strings are
 * decoded strictly. Every block is decoded to its end, so the dynamic table stays in step with the server's even
 * when the block is refused: a header list over {@code maxHeaderListSize} (counted as RFC 9113 §6.5.2 does: name +
 * value + 32 per field) or a field that RFC 9113 §8.2.1 calls malformed (upper-case or forbidden characters in a
 * name; NUL, CR, LF or surrounding white space in a value) is a stream error, raised after the block; encoding
 * errors are connection errors (COMPRESSION_ERROR). Not thread-safe: blocks are decoded in the order received.
 */
public final class HpackDecoder {

    /** Receives the fields of a block, in order. Strings are ISO-8859-1 (one char per octet). */
    public interface Listener {
        void header(String name, String value);
    }

    private final HpackTable table;
    /**
     * How a header list over the limit is refused: the HTTP/1.1 parser's words (Go's), so that a head over
     * {@code max-response-header-bytes} fails alike in both protocols. The size counts name + value + 32 per field.
     */
    public static final String HEADERS_EXCEEDED = "server response headers exceeded ";

    private final int maxTableSize;
    private final long maxHeaderListSize;
    private byte[] scratch = new byte[256];

    // per block
    private byte[] src;
    private int pos;
    private int end;

    /**
     * @param maxTableSize our SETTINGS_HEADER_TABLE_SIZE: the largest dynamic table the server may ask for
     * @param maxHeaderListSize the header list size above which a block is refused (max-response-header-bytes)
     */
    public HpackDecoder(int maxTableSize, long maxHeaderListSize) {
        if (maxTableSize < 0 || maxHeaderListSize <= 0) {
            throw new IllegalArgumentException("maxTableSize must be >= 0 and maxHeaderListSize > 0, was "
                    + maxTableSize + " and " + maxHeaderListSize);
        }
        this.table = new HpackTable(maxTableSize);
        this.maxTableSize = maxTableSize;
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /**
     * Decodes one complete header block of {@code streamId}, passing its fields to {@code listener} until the block
     * turns out to be refused (fields passed before then must be discarded by the caller when this throws).
     */
    public void decode(int streamId, byte[] block, int off, int len, Listener listener) throws Http2Exception {
        src = block;
        pos = off;
        end = off + len;
        long listSize = 0;
        String malformed = null;
        boolean fieldSeen = false;
        try {
            while (pos < end) {
                int b = src[pos] & 0xff;
                String name;
                String value;
                boolean checkName;
                boolean checkValue;
                if ((b & 0x80) != 0) { // indexed field (§6.1)
                    int index = index(readInt(7));
                    name = table.name(index);
                    value = table.value(index);
                    checkName = !HpackTable.isStatic(index);
                    checkValue = checkName;
                } else if ((b & 0xe0) == 0x20) { // dynamic table size update (§6.3)
                    if (fieldSeen) {
                        throw compression("dynamic table size update after a header field");
                    }
                    long size = readInt(5);
                    if (size > maxTableSize) {
                        throw compression("dynamic table size update to " + size + " exceeds our "
                                + "SETTINGS_HEADER_TABLE_SIZE " + maxTableSize);
                    }
                    table.maxSize((int) size);
                    continue;
                } else { // literal (§6.2): with incremental indexing (01), without (0000) or never indexed (0001)
                    boolean indexing = (b & 0xc0) == 0x40;
                    long nameIndex = readInt(indexing ? 6 : 4);
                    if (nameIndex == 0) {
                        name = readString(true);
                        checkName = true;
                    } else {
                        int index = index(nameIndex);
                        name = table.name(index);
                        checkName = !HpackTable.isStatic(index);
                    }
                    value = readString(false);
                    checkValue = true;
                    if (indexing) {
                        table.add(name, value);
                    }
                }
                fieldSeen = true;
                listSize += name.length() + value.length() + HpackTable.ENTRY_OVERHEAD;
                if (listSize > maxHeaderListSize || malformed != null) {
                    continue;
                }
                if (checkValue) {
                    malformed = malformation(name, value, checkName);
                }
                if (malformed == null) {
                    listener.header(name, value);
                }
            }
        } finally {
            src = null;
        }
        if (listSize > maxHeaderListSize) {
            throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, HEADERS_EXCEEDED + maxHeaderListSize
                    + " bytes; aborted");
        }
        if (malformed != null) {
            throw Http2Exception.streamError(streamId, PROTOCOL_ERROR, "malformed header field: " + malformed);
        }
    }

    /** The dynamic table's size in octets (RFC 7541 §4.1). */
    public int dynamicTableSize() {
        return table.size();
    }

    /** The number of entries in the dynamic table. */
    int dynamicTableLength() {
        return table.length();
    }

    /** The field at HPACK index {@code index} (static, then dynamic), as "name: value". */
    String field(int index) {
        return table.has(index) ? table.name(index) + ": " + table.value(index) : null;
    }

    /** Why a field breaks RFC 9113 §8.2.1, or null. Pseudo-header placement is the connection's concern. */
    static String malformation(String name, String value, boolean checkName) {
        if (checkName) {
            if (name.isEmpty()) {
                return "empty name";
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c <= 0x20 || c >= 0x7f || c >= 'A' && c <= 'Z' || c == ':' && i > 0) {
                    return "name " + quote(name) + " has character 0x" + Integer.toHexString(c)
                            + " at " + i;
                }
            }
        }
        int n = value.length();
        if (n > 0 && (isBlank(value.charAt(0)) || isBlank(value.charAt(n - 1)))) {
            return "value of " + quote(name) + " starts or ends with white space";
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                return "value of " + quote(name) + " has character 0x" + Integer.toHexString(c);
            }
        }
        return null;
    }

    private static String quote(String name) {
        StringBuilder b = new StringBuilder(name.length() + 2).append('"');
        for (int i = 0; i < name.length() && i < 64; i++) {
            char c = name.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.append(name.length() > 64 ? "...\"" : "\"").toString();
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private int index(long index) throws Http2Exception {
        if (!table.has(index)) {
            throw compression("index " + index + " is not in the table (" + (HpackTable.STATIC_LENGTH
                    + table.length()) + " entries)");
        }
        return (int) index;
    }

    /** An integer with an N-bit prefix (§5.1), at most 2^31-1. */
    private long readInt(int prefixBits) throws Http2Exception {
        int max = (1 << prefixBits) - 1;
        long value = src[pos++] & max;
        if (value < max) {
            return value;
        }
        for (int shift = 0; ; shift += 7) {
            if (pos >= end) {
                throw compression("block ends inside an integer");
            }
            int b = src[pos++] & 0xff;
            value += (long) (b & 0x7f) << shift;
            if (value > Integer.MAX_VALUE) {
                throw compression("integer exceeds 2^31-1");
            }
            if ((b & 0x80) == 0) {
                return value;
            }
            if (shift >= 28) {
                throw compression("integer longer than 5 continuation bytes");
            }
        }
    }

    private String readString(boolean isName) throws Http2Exception {
        if (pos >= end) {
            throw compression("block ends before a string literal");
        }
        boolean huffman = (src[pos] & 0x80) != 0;
        long length = readInt(7);
        if (length > end - pos) {
            throw compression((isName ? "name" : "value") + " of " + length + " bytes exceeds the block's remaining "
                    + (end - pos));
        }
        int len = (int) length;
        String s;
        if (huffman) {
            int room = len * 8 / 5 + 1;
            if (scratch.length < room) {
                scratch = new byte[Math.max(room, scratch.length * 2)];
            }
            int n = Huffman.decode(src, pos, len, scratch);
            if (n < 0) {
                throw compression("invalid Huffman-coded " + (isName ? "name" : "value"));
            }
            s = new String(scratch, 0, n, StandardCharsets.ISO_8859_1);
        } else {
            s = new String(src, pos, len, StandardCharsets.ISO_8859_1);
        }
        pos += len;
        return s;
    }

    private static Http2Exception compression(String message) {
        return Http2Exception.connectionError(COMPRESSION_ERROR, "HPACK: " + message);
    }
}
