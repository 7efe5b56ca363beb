package dev.httppool.internal.http2;

import java.util.HashMap;
import java.util.Map;

/**
 * HPACK's index space (RFC 7541 §2.3): the static table (Appendix A, indices 1..61) followed by a dynamic table,
 * a FIFO of header fields bounded by a size in octets (name + value + 32 per entry, §4.1), newest at index 62.
 * The encoder and the decoder each own one dynamic table.
 */
final class HpackTable {

    static final int STATIC_LENGTH = 61;
    static final int ENTRY_OVERHEAD = 32;

    private static final String[] STATIC_NAMES = {null, ":authority", ":method", ":method", ":path", ":path",
        ":scheme", ":scheme", ":status", ":status", ":status", ":status", ":status", ":status", ":status",
        "accept-charset", "accept-encoding", "accept-language", "accept-ranges", "accept",
        "access-control-allow-origin", "age", "allow", "authorization", "cache-control", "content-disposition",
        "content-encoding", "content-language", "content-length", "content-location", "content-range",
        "content-type", "cookie", "date", "etag", "expect", "expires", "from", "host", "if-match",
        "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified", "link",
        "location", "max-forwards", "proxy-authenticate", "proxy-authorization", "range", "referer", "refresh",
        "retry-after", "server", "set-cookie", "strict-transport-security", "transfer-encoding", "user-agent",
        "vary", "via", "www-authenticate"};
    private static final String[] STATIC_VALUES = new String[STATIC_LENGTH + 1];
    /** Each static name's lowest index. */
    private static final Map<String, Integer> STATIC_INDEX = new HashMap<>();

    static {
        java.util.Arrays.fill(STATIC_VALUES, "");
        String[][] values = {{"2", "GET"}, {"3", "POST"}, {"4", "/"}, {"5", "/index.html"}, {"6", "http"},
            {"7", "https"}, {"8", "200"}, {"9", "204"}, {"10", "206"}, {"11", "304"}, {"12", "400"},
            {"13", "404"}, {"14", "500"}, {"16", "gzip, deflate"}};
        for (String[] v : values) {
            STATIC_VALUES[Integer.parseInt(v[0])] = v[1];
        }
        for (int i = STATIC_LENGTH; i >= 1; i--) {
            STATIC_INDEX.put(STATIC_NAMES[i], i);
        }
    }

    private String[] names = new String[16];
    private String[] values = new String[16];
    /** Ring buffer: entries occupy [tail .. head) modulo capacity; the newest is at head - 1. */
    private int head;
    private int count;
    private int size;
    private int maxSize;

    HpackTable(int maxSize) {
        this.maxSize = maxSize;
    }

    /** The static index of {@code name}'s first entry, or 0. */
    static int staticNameIndex(String name) {
        Integer i = STATIC_INDEX.get(name);
        return i == null ? 0 : i;
    }

    /** The static index whose name and value both match, or 0. */
    static int staticFieldIndex(int nameIndex, String name, String value) {
        for (int i = nameIndex; i > 0 && i <= STATIC_LENGTH && STATIC_NAMES[i].equals(name); i++) {
            if (STATIC_VALUES[i].equals(value)) {
                return i;
            }
        }
        return 0;
    }

    /** Whether {@code index} (1-based, static then dynamic) names an entry. */
    boolean has(long index) {
        return index >= 1 && index <= STATIC_LENGTH + count;
    }

    String name(int index) {
        return index <= STATIC_LENGTH ? STATIC_NAMES[index] : names[slot(index)];
    }

    String value(int index) {
        return index <= STATIC_LENGTH ? STATIC_VALUES[index] : values[slot(index)];
    }

    /** The dynamic index (62 = newest) of the entry with this name and value, or 0. */
    int dynamicFieldIndex(String name, String value) {
        for (int i = 0; i < count; i++) {
            int s = Math.floorMod(head - 1 - i, names.length);
            if (values[s].equals(value) && names[s].equals(name)) {
                return STATIC_LENGTH + 1 + i;
            }
        }
        return 0;
    }

    /** The dynamic index (62 = newest) of an entry with this name, or 0. */
    int dynamicNameIndex(String name) {
        for (int i = 0; i < count; i++) {
            if (names[Math.floorMod(head - 1 - i, names.length)].equals(name)) {
                return STATIC_LENGTH + 1 + i;
            }
        }
        return 0;
    }

    /** Whether the static table holds {@code index}: no check of its characters needed. */
    static boolean isStatic(int index) {
        return index <= STATIC_LENGTH;
    }

    /** Adds a field, evicting the oldest as needed; a field larger than the table empties it (§4.4). */
    void add(String name, String value) {
        int entrySize = entrySize(name, value);
        evictTo(maxSize - entrySize);
        if (entrySize > maxSize) {
            return;
        }
        if (count == names.length) {
            grow();
        }
        names[head] = name;
        values[head] = value;
        head = (head + 1) % names.length;
        count++;
        size += entrySize;
    }

    /** A new maximum size (a dynamic table size update, §6.3), evicting what no longer fits. */
    void maxSize(int newMaxSize) {
        maxSize = newMaxSize;
        evictTo(newMaxSize);
    }

    int maxSize() {
        return maxSize;
    }

    /** The table's current size in octets, as §4.1 counts it. */
    int size() {
        return size;
    }

    /** The number of dynamic entries. */
    int length() {
        return count;
    }

    static int entrySize(String name, String value) {
        return name.length() + value.length() + ENTRY_OVERHEAD;
    }

    private void evictTo(int target) {
        while (size > target && count > 0) {
            int tail = Math.floorMod(head - count, names.length);
            size -= entrySize(names[tail], values[tail]);
            names[tail] = null;
            values[tail] = null;
            count--;
        }
    }

    private int slot(int index) {
        return Math.floorMod(head - 1 - (index - STATIC_LENGTH - 1), names.length);
    }

    private void grow() {
        String[] n = new String[names.length * 2];
        String[] v = new String[names.length * 2];
        for (int i = 0; i < count; i++) {
            int s = Math.floorMod(head - count + i, names.length);
            n[i] = names[s];
            v[i] = values[s];
        }
        names = n;
        values = v;
        head = count;
    }
}
