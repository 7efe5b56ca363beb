package dev.httppool;

import dev.httppool.internal.net.HeaderTokens;
import dev.httppool.internal.net.SensitiveHeaders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable, ordered list of HTTP header fields. Names compare case-insensitively; the order and the
 * spelling of the names as added are kept.
 *
 * <p>Names must be HTTP tokens and values must not contain CR, LF or NUL: a request with such a header is
 * rejected when it is built, so it can never reach a connection (no header injection or response
 * splitting).
 */
public final class Headers {

    private static final Headers EMPTY = new Headers(new String[0], 0);

    /** name0, value0, name1, value1, ... */
    private final String[] namesAndValues;
    private final int size;

    private Headers(String[] namesAndValues, int size) {
        this.namesAndValues = namesAndValues;
        this.size = size;
    }

    public static Headers empty() {
        return EMPTY;
    }

    /** Headers from alternating names and values: {@code Headers.of("Accept", "text/plain", "X-A", "1")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of needs name/value pairs, got an odd count");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder with room for {@code fields} fields before it grows (the engine sizes the ones it builds). */
    static Builder builder(int fields) {
        return new Builder(fields);
    }

    /**
     * Headers over {@code namesAndValues} (name0, value0, ...; only the first {@code size} pairs count, the rest
     * of the array may be unused), taken as they are: no copy, no checks. Only for fields already validated, for
     * example parsed strictly, and an array nobody writes to afterwards.
     */
    static Headers wrapTrusted(String[] namesAndValues, int size) {
        if (size < 0 || 2 * size > namesAndValues.length) {
            throw new IllegalArgumentException("size " + size + " does not fit " + namesAndValues.length);
        }
        return size == 0 ? EMPTY : new Headers(namesAndValues, size);
    }

    /** A builder holding these headers, to add or replace some. */
    public Builder toBuilder() {
        if (size == 0) {
            return new Builder();
        }
        return new Builder(namesAndValues, size); // shares the array until the builder changes it
    }

    /** The number of fields (a name with two values counts twice). */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public String name(int index) {
        checkIndex(index);
        return namesAndValues[2 * index];
    }

    public String value(int index) {
        checkIndex(index);
        return namesAndValues[2 * index + 1];
    }

    /** The first value of {@code name}, or null. */
    public String first(String name) {
        for (int i = 0; i < size; i++) {
            if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                return namesAndValues[2 * i + 1];
            }
        }
        return null;
    }

    /** Every value of {@code name}, in order; empty when absent. */
    public List<String> all(String name) {
        List<String> out = null;
        for (int i = 0; i < size; i++) {
            if (namesAndValues[2 * i].equalsIgnoreCase(name)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(namesAndValues[2 * i + 1]);
            }
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    public boolean contains(String name) {
        return first(name) != null;
    }

    /**
     * Whether a comma-separated header (such as {@code Connection}) holds {@code token}, compared
     * case-insensitively, in any of its fields.
     */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (namesAndValues[2 * i].equalsIgnoreCase(name)
                    && HeaderTokens.contains(namesAndValues[2 * i + 1], token)) {
                return true;
            }
        }
        return false;
    }

    /** The distinct names, in first-seen order, as first spelled. */
    public Set<String> names() {
        Set<String> lower = new LinkedHashSet<>();
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < size; i++) {
            if (lower.add(namesAndValues[2 * i].toLowerCase(Locale.ROOT))) {
                out.add(namesAndValues[2 * i]);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(namesAndValues[2 * i], namesAndValues[2 * i + 1]);
        }
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("header index " + index + " of " + size);
        }
    }

    /** Names and values; the values of {@link #isSensitive sensitive} fields are masked as {@code ***}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String n = namesAndValues[2 * i];
            sb.append(n).append(": ").append(isSensitive(n) ? "***" : namesAndValues[2 * i + 1]);
        }
        return sb.append(']').toString();
    }

    /**
     * Whether a header's value is a secret that must never be logged or shown, and that a redirect to another
     * host or port, or from https to http, must not carry (see {@link dev.httppool.client.Client}): {@code Authorization}, {@code Proxy-Authorization}, {@code WWW-Authenticate},
     * {@code Proxy-Authenticate}, {@code Cookie}, {@code Cookie2} and {@code Set-Cookie}, in any case.
     */
    public static boolean isSensitive(String name) {
        return SensitiveHeaders.contains(name);
    }

    /** Whether {@code s} is a non-empty HTTP token (RFC 9110 tchar). */
    public static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isTchar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Whether {@code v} is a legal field value: no CR, LF, NUL or other control byte but HTAB, and Latin-1 only. */
    public static boolean isValidValue(String v) {
        if (v == null) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    /** Builds {@link Headers}; every name and value is validated as it is added. */
    public static final class Builder {
        private static final int DEFAULT_FIELDS = 8;

        private String[] nv;
        private int size;
        /**
         * Whether {@link #nv} is also the array of {@link Headers} built from this builder: then the next change
         * copies it first (copy on write), so a builder built once, the usual case, never copies.
         */
        private boolean shared;

        private Builder() {
            this(DEFAULT_FIELDS);
        }

        private Builder(int fields) {
            this.nv = new String[2 * Math.max(1, fields)];
        }

        private Builder(String[] built, int size) {
            this.nv = built;
            this.size = size;
            this.shared = true;
        }

        /** Adds a field. Leading and trailing spaces of the value are dropped. */
        public Builder add(String name, String value) {
            if (!isToken(name)) {
                throw new IllegalArgumentException("invalid header name: '" + printable(name) + "'");
            }
            if (!isValidValue(value)) {
                throw new IllegalArgumentException("invalid value for header '" + name
                        + "': contains CR, LF, NUL or another control character");
            }
            return addTrusted(name, value.strip());
        }

        /** Replaces every field named {@code name} by one with {@code value}. */
        public Builder set(String name, String value) {
            remove(name);
            return add(name, value);
        }

        public Builder remove(String name) {
            int found = -1;
            for (int r = 0; r < size && found < 0; r++) {
                if (nv[2 * r].equalsIgnoreCase(name)) {
                    found = r;
                }
            }
            if (found < 0) {
                return this; // nothing to remove: nothing to copy either
            }
            unshare();
            int w = found;
            for (int r = found + 1; r < size; r++) {
                if (!nv[2 * r].equalsIgnoreCase(name)) {
                    nv[2 * w] = nv[2 * r];
                    nv[2 * w + 1] = nv[2 * r + 1];
                    w++;
                }
            }
            for (int i = 2 * w; i < 2 * size; i++) {
                nv[i] = null;
            }
            size = w;
            return this;
        }

        public Builder addAll(Headers headers) {
            for (int i = 0; i < headers.size; i++) {
                addTrusted(headers.name(i), headers.value(i));
            }
            return this;
        }

        /** Adds without validation; only for names and values already validated (or parsed strictly). */
        Builder addTrusted(String name, String value) {
            if (2 * size + 2 > nv.length) {
                nv = java.util.Arrays.copyOf(nv, nv.length * 2);
                shared = false;
            } else {
                unshare();
            }
            nv[2 * size] = name;
            nv[2 * size + 1] = value;
            size++;
            return this;
        }

        public Headers build() {
            if (size == 0) {
                return EMPTY;
            }
            shared = true;
            return new Headers(nv, size);
        }

        private void unshare() {
            if (shared) {
                nv = nv.clone();
                shared = false;
            }
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
