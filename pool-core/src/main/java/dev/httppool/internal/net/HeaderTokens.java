package dev.httppool.internal.net;

/** The one reading of a comma-separated header value's elements ({@code Connection: keep-alive, close}). */
public final class HeaderTokens {

    private HeaderTokens() {
    }

    /**
     * Whether the comma-separated {@code value} holds {@code token} as one of its elements, compared
     * case-insensitively, each element without surrounding whitespace (as {@code String.trim()} would cut it), in
     * place: no substring is made.
     */
    public static boolean contains(String value, String token) {
        int start = 0;
        while (start <= value.length()) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? value.length() : comma;
            int s = start;
            while (s < end && value.charAt(s) <= ' ') {
                s++;
            }
            int e = end;
            while (e > s && value.charAt(e - 1) <= ' ') {
                e--;
            }
            if (e - s == token.length() && value.regionMatches(true, s, token, 0, e - s)) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            start = comma + 1;
        }
        return false;
    }
}
