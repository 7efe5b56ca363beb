package dev.httppool.internal.http2;

import java.util.HexFormat;

/** Hex dumps as the RFCs print them (white space ignored). */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    static String of(byte[] b, int off, int len) {
        return HexFormat.of().formatHex(b, off, off + len);
    }
}
