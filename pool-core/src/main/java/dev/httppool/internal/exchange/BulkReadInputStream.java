package dev.httppool.internal.exchange;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream whose every read goes through {@link #read(byte[], int, int)}: the single-byte {@link #read()}
 * borrows a one-byte buffer kept for the stream's life instead of allocating one per call.
 */
public abstract class BulkReadInputStream extends InputStream {

    private byte[] one;

    @Override
    public final int read() throws IOException {
        if (one == null) {
            one = new byte[1];
        }
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
