package dev.httppool.internal.exchange;

import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * Decodes a gzip response body the transport asked for. The decoder is created on the first read (creating
 * it reads the gzip header, which must not happen inside {@code roundTrip}); at the end of the gzip stream
 * the rest of the framed body (a chunked terminator, say) is read so the connection returns to the pool.
 */
public final class GzipBody extends BulkReadInputStream {

    private final ResponseBody raw;
    private GZIPInputStream gzip;
    private boolean eof;

    public GzipBody(ResponseBody raw) {
        this.raw = raw;
    }


    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (eof) {
            return -1;
        }
        if (gzip == null) {
            try {
                gzip = new GZIPInputStream(raw, 8192);
            } catch (java.io.EOFException e) {
                throw raw.withKey(new java.io.EOFException("unexpected EOF in gzip response body"));
            }
        }
        int n;
        try {
            n = gzip.read(b, off, len);
        } catch (java.io.EOFException e) {
            raw.close();
            throw raw.withKey(new java.io.EOFException("unexpected EOF in gzip response body"));
        }
        if (n < 0) {
            eof = true;
            byte[] rest = new byte[64];
            while (raw.read(rest, 0, rest.length) >= 0) {
                // reaching the framed end returns the connection
            }
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return gzip == null || eof ? 0 : gzip.available();
    }

    @Override
    public void close() {
        raw.close();
    }
}
