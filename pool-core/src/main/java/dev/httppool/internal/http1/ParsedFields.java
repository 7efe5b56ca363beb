package dev.httppool.internal.http1;

import dev.httppool.Headers;
import dev.httppool.internal.ApiAccess;
import java.util.Arrays;

/**
 * The fields of one header or trailer section as the parser finds them, already validated: collected into one
 * array that becomes the {@link Headers} without a copy or a second validation.
 */
final class ParsedFields {

    /** name0, value0, name1, value1, ... */
    private String[] nv = new String[16];
    private int size;

    void add(String name, String value) {
        if (2 * size + 2 > nv.length) {
            nv = Arrays.copyOf(nv, nv.length * 2);
        }
        nv[2 * size] = name;
        nv[2 * size + 1] = value;
        size++;
    }

    int size() {
        return size;
    }

    /** The headers; this collector must not be used afterwards. */
    Headers toHeaders() {
        return size == 0 ? Headers.empty() : ApiAccess.get().wrapHeaders(nv, size);
    }
}
