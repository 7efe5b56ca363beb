package dev.httppool.internal.http2;

import dev.httppool.internal.net.SensitiveHeaders;
import java.util.Arrays;
import java.util.Locale;

/**
 * Encodes request header blocks with HPACK (RFC 7541) into a reused buffer. Fields found whole in the static or
 * dynamic table are sent as one index; others as literals with the static table's name index when there is one,
 * Huffman-coded when that is shorter. Fields that repeat from request to request (such as {@code :authority} or
 * {@code user-agent}) enter a dynamic table of at most 4 KiB, bounded further by the server's
 * SETTINGS_HEADER_TABLE_SIZE; the values of {@link SensitiveHeaders} (Authorization, Proxy-Authorization, Cookie,
 * ...) are never indexed, here or by any intermediary (§7.1.3), and neither are fields that change with each
 * request. A change of the server's table size is announced at the start of the next block (§4.2).
 *
 * <p>Not thread-safe. Blocks must reach the server in the order they were encoded: the caller encodes and writes
 * each block under its connection's write lock.
 */
public final class HpackEncoder {

    /** The largest dynamic table we keep, whatever the server allows. */
    static final int MAX_TABLE_SIZE = 4_096;

    private final HpackTable table = new HpackTable(Math.min(MAX_TABLE_SIZE, Http2Frames.DEFAULT_HEADER_TABLE_SIZE));
    /** The smallest table size since the last block, and the size to announce, when an update is pending. */
    private int pendingMinSize = -1;
    private int pendingSize = -1;
    private byte[] buf = new byte[512];
    private int len;

    /** The server's SETTINGS_HEADER_TABLE_SIZE (any 32-bit value); we use at most {@value #MAX_TABLE_SIZE}. */
    public void peerMaxTableSize(long size) {
        if (size < 0 || size > 0xffff_ffffL) {
            throw new IllegalArgumentException("table size must be 0 .. 2^32-1, was " + size);
        }
        int newSize = (int) Math.min(size, MAX_TABLE_SIZE);
        if (newSize == table.maxSize() && pendingSize < 0) {
            return;
        }
        pendingMinSize = pendingMinSize < 0 ? Math.min(newSize, table.maxSize()) : Math.min(pendingMinSize, newSize);
        pendingSize = newSize;
        table.maxSize(newSize);
    }

    /** Starts a new header block, first announcing a pending table size change. */
    public void beginBlock() {
        len = 0;
        if (pendingSize >= 0) {
            if (pendingMinSize < pendingSize) {
                writeInt(0x20, 5, pendingMinSize);
            }
            writeInt(0x20, 5, pendingSize);
            pendingSize = -1;
            pendingMinSize = -1;
        }
    }

    /**
     * Adds a field to the block. {@code name} is lower-cased if needed (HTTP/2 requires lower-case names); the
     * caller has dropped connection-specific fields and validated names and values; chars are sent as octets.
     */
    public void header(String name, String value) {
        name = lowerCase(name);
        int staticName = HpackTable.staticNameIndex(name);
        boolean sensitive = SensitiveHeaders.contains(name);
        if (!sensitive) {
            int index = HpackTable.staticFieldIndex(staticName, name, value);
            if (index == 0) {
                index = table.dynamicFieldIndex(name, value);
            }
            if (index != 0) {
                writeInt(0x80, 7, index);
                return;
            }
        }
        boolean indexing = !sensitive && worthIndexing(name, value);
        int nameIndex = staticName != 0 ? staticName : indexing ? 0 : table.dynamicNameIndex(name);
        if (sensitive) {
            writeInt(0x10, 4, nameIndex);
        } else if (indexing) {
            writeInt(0x40, 6, nameIndex);
        } else {
            writeInt(0x00, 4, nameIndex);
        }
        if (nameIndex == 0) {
            writeString(name);
        }
        writeString(value);
        if (indexing) {
            table.add(name, value);
        }
    }

    /** The block so far: {@code block()[0 .. blockLength())}, valid until the next {@link #beginBlock}. */
    public byte[] block() {
        return buf;
    }

    public int blockLength() {
        return len;
    }

    /** The encoder's dynamic table size in octets (RFC 7541 §4.1). */
    int dynamicTableSize() {
        return table.size();
    }

    /** Fields that differ from request to request would only churn the table. */
    private boolean worthIndexing(String name, String value) {
        switch (name) {
            case ":path", "content-length", "content-range", "range", "if-modified-since", "if-none-match",
                    "if-match", "if-range", "if-unmodified-since", "date", "etag", "referer" -> {
                return false;
            }
            default -> {
                return HpackTable.entrySize(name, value) <= table.maxSize() / 4;
            }
        }
    }

    private void writeString(String s) {
        int raw = s.length();
        int huffman = Huffman.encodedLength(s);
        if (huffman < raw) {
            writeInt(0x80, 7, huffman);
            ensure(huffman);
            len = Huffman.encode(s, buf, len);
        } else {
            writeInt(0x00, 7, raw);
            ensure(raw);
            for (int i = 0; i < raw; i++) {
                buf[len++] = (byte) s.charAt(i);
            }
        }
    }

    /** An integer with an N-bit prefix (§5.1), the prefix's other bits being {@code flags}. */
    private void writeInt(int flags, int prefixBits, int value) {
        ensure(6);
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            buf[len++] = (byte) (flags | value);
            return;
        }
        buf[len++] = (byte) (flags | max);
        value -= max;
        while (value >= 0x80) {
            buf[len++] = (byte) (value & 0x7f | 0x80);
            value >>>= 7;
        }
        buf[len++] = (byte) value;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + more, buf.length * 2));
        }
    }

    private static String lowerCase(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return name.toLowerCase(Locale.ROOT);
            }
        }
        return name;
    }
}
