package dev.httppool.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** HTTP/1.1 wire parsing and formatting shared by the test servers (package-private). */
final class Wire {

    static final int MAX_LINE = 64 * 1024;
    static final int MAX_BODY = 64 * 1024 * 1024;

    private Wire() {
    }

    /**
     * Reads one line terminated by LF (a preceding CR is dropped), decoded as ISO-8859-1.
     * Returns null on EOF before any byte; throws {@link EOFException} on EOF mid-line.
     */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b != '\n') {
            if (b < 0) {
                throw new EOFException("EOF in the middle of a line: "
                        + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (line.size() >= MAX_LINE) {
                throw new ProtocolException("line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
            b = in.read();
        }
        byte[] bytes = line.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads a request line and header fields. Empty lines before the request line are skipped.
     * Returns null on EOF before the request line; throws on EOF or garbage inside the head.
     */
    static ScriptServer.Request readHead(InputStream in, int connectionId) throws IOException {
        String requestLine;
        do {
            requestLine = readLine(in);
            if (requestLine == null) {
                return null;
            }
        } while (requestLine.isEmpty());
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()
                || !parts[2].startsWith("HTTP/")) {
            throw new ProtocolException("malformed request line: " + requestLine);
        }
        List<String> headerLines = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("EOF inside the request head after " + requestLine);
            }
            if (line.isEmpty()) {
                break;
            }
            if (line.indexOf(':') <= 0) {
                throw new ProtocolException("malformed header line: " + line);
            }
            headerLines.add(line);
        }
        return new ScriptServer.Request(connectionId, parts[0], parts[1], parts[2], headerLines,
                null);
    }

    /** True if the last transfer coding of the message is {@code chunked}. */
    static boolean isChunked(List<String> transferEncodings) {
        if (transferEncodings.isEmpty()) {
            return false;
        }
        String all = String.join(",", transferEncodings);
        String[] codings = all.split(",");
        return codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
    }

    /** Reads the body framed by the head's Transfer-Encoding or Content-Length (none if neither). */
    static byte[] readBody(InputStream in, ScriptServer.Request head) throws IOException {
        List<String> te = head.headers("Transfer-Encoding");
        if (!te.isEmpty()) {
            if (!isChunked(te)) {
                throw new ProtocolException("unsupported Transfer-Encoding " + te);
            }
            return readChunked(in);
        }
        List<String> lengths = head.headers("Content-Length");
        if (lengths.isEmpty()) {
            return new byte[0];
        }
        long length = -1;
        for (String value : lengths) {
            for (String token : value.split(",")) {
                long parsed;
                try {
                    parsed = Long.parseLong(token.trim());
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad Content-Length " + lengths);
                }
                if (parsed < 0 || (length >= 0 && parsed != length)) {
                    throw new ProtocolException("bad Content-Length " + lengths);
                }
                length = parsed;
            }
        }
        if (length > MAX_BODY) {
            throw new ProtocolException("body too large for a test server: " + length);
        }
        return readExactly(in, (int) length);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new EOFException("EOF before a chunk size line");
            }
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size line: " + sizeLine);
            }
            if (size < 0 || body.size() + size > MAX_BODY) {
                throw new ProtocolException("bad chunk size: " + sizeLine);
            }
            if (size == 0) {
                break;
            }
            body.write(readExactly(in, (int) size));
            String end = readLine(in);
            if (end == null || !end.isEmpty()) {
                throw new ProtocolException("chunk data not followed by CRLF");
            }
        }
        while (true) { // trailer section, ignored
            String trailer = readLine(in);
            if (trailer == null) {
                throw new EOFException("EOF inside the chunked trailer section");
            }
            if (trailer.isEmpty()) {
                return body.toByteArray();
            }
        }
    }

    static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] data = in.readNBytes(length);
        if (data.length != length) {
            throw new EOFException("EOF after " + data.length + " of " + length + " body bytes");
        }
        return data;
    }

    /** True if any of the lines sets Content-Length or Transfer-Encoding. */
    private static boolean setsFraming(String... headerLines) {
        for (String line : headerLines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:") || lower.startsWith("transfer-encoding:")) {
                return true;
            }
        }
        return false;
    }

    private static StringBuilder statusAndHeaders(int status) {
        StringBuilder head = new StringBuilder(128);
        head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        return head;
    }

    private static void appendLines(StringBuilder head, String... extraHeaderLines) {
        for (String line : extraHeaderLines) {
            String trimmed = line.endsWith("\r\n") ? line.substring(0, line.length() - 2) : line;
            head.append(trimmed).append("\r\n");
        }
        head.append("\r\n");
    }

    /** Formats a complete Content-Length framed response; {@code omitBody} for HEAD requests. */
    static byte[] response(int status, byte[] body, boolean omitBody, String... extraHeaderLines) {
        StringBuilder head = statusAndHeaders(status);
        boolean bodiless = status / 100 == 1 || status == 204 || status == 304;
        if (!setsFraming(extraHeaderLines) && !(bodiless && body.length == 0)) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        appendLines(head, extraHeaderLines);
        return concat(head.toString().getBytes(StandardCharsets.ISO_8859_1),
                omitBody ? new byte[0] : body);
    }

    /** Formats a chunked response; empty chunks are skipped (they would end the body). */
    static byte[] chunkedResponse(int status, List<String> chunks, boolean omitBody,
            String... extraHeaderLines) {
        StringBuilder head = statusAndHeaders(status);
        head.append("Transfer-Encoding: chunked\r\n");
        appendLines(head, extraHeaderLines);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!omitBody) {
            for (String chunk : chunks) {
                byte[] data = chunk.getBytes(StandardCharsets.UTF_8);
                if (data.length == 0) {
                    continue;
                }
                out.writeBytes((Integer.toHexString(data.length) + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(data);
                out.writeBytes(new byte[] {'\r', '\n'});
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static String reason(int status) {
        switch (status) {
            case 100: return "Continue";
            case 101: return "Switching Protocols";
            case 200: return "OK";
            case 201: return "Created";
            case 202: return "Accepted";
            case 204: return "No Content";
            case 206: return "Partial Content";
            case 301: return "Moved Permanently";
            case 302: return "Found";
            case 303: return "See Other";
            case 304: return "Not Modified";
            case 307: return "Temporary Redirect";
            case 308: return "Permanent Redirect";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 413: return "Content Too Large";
            case 417: return "Expectation Failed";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            default: return "Unknown";
        }
    }
}
