package dev.httppool.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A response read by a raw test client (package-private helper for this package's tests). */
record RawResponse(int status, ScriptServer.Request head, String body) {

    /** The first value of a response header, or null. */
    String header(String name) {
        return head.header(name);
    }

    /** Reads one response; {@code method} tells whether a body follows (not after HEAD). */
    static RawResponse read(InputStream in, String method) throws IOException {
        String statusLine = Wire.readLine(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        List<String> lines = new ArrayList<>();
        for (String line = Wire.readLine(in); ; line = Wire.readLine(in)) {
            if (line == null) {
                throw new EOFException("connection closed inside the response head");
            }
            if (line.isEmpty()) {
                break;
            }
            lines.add(line);
        }
        ScriptServer.Request head = new ScriptServer.Request(0, "RESPONSE", "-", parts[0], lines,
                null);
        int status = Integer.parseInt(parts[1]);
        boolean bodiless = "HEAD".equals(method) || status / 100 == 1 || status == 204
                || status == 304;
        String body = bodiless ? ""
                : new String(Wire.readBody(in, head), StandardCharsets.UTF_8);
        return new RawResponse(status, head, body);
    }

    /** Formats a GET request with the given extra header lines. */
    static String get(String target, String... headerLines) {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
        request.append("Host: 127.0.0.1\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return request.append("\r\n").toString();
    }
}
