package dev.httppool.internal.http1;

import static dev.httppool.internal.http1.CodecTestSupport.latin1;
import static dev.httppool.internal.http1.CodecTestSupport.readAll;
import static dev.httppool.internal.http1.CodecTestSupport.tricklingWire;
import static dev.httppool.internal.http1.CodecTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseHeadParserTest {

    private static final long LIMIT = 8192;

    private static ResponseHead parse(String s) throws IOException {
        return ResponseHeadParser.read(wire(s), LIMIT);
    }

    @Test
    void parsesStatusLineAndHeaders() throws IOException {
        ResponseHead head = parse("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Multi: a\r\nx-multi: b\r\n\r\n");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.reason()).isEqualTo("OK");
        assertThat(head.minorVersion()).isEqualTo(1);
        assertThat(head.protocol()).isEqualTo("HTTP/1.1");
        assertThat(head.isInformational()).isFalse();
        assertThat(head.headers().first("content-type")).isEqualTo("text/plain");
        assertThat(head.headers().all("X-Multi")).containsExactly("a", "b");
        assertThat(head.headers().name(2)).isEqualTo("x-multi");
    }

    @Test
    void parsesHttp10() throws IOException {
        ResponseHead head = parse("HTTP/1.0 404 Not Found\r\n\r\n");

        assertThat(head.minorVersion()).isZero();
        assertThat(head.protocol()).isEqualTo("HTTP/1.0");
        assertThat(head.status()).isEqualTo(404);
        assertThat(head.reason()).isEqualTo("Not Found");
        assertThat(head.headers().isEmpty()).isTrue();
    }

    @Test
    void acceptsStatusLineWithoutReason() throws IOException {
        assertThat(parse("HTTP/1.1 204\r\n\r\n").reason()).isEmpty();
        assertThat(parse("HTTP/1.1 204 \r\n\r\n").reason()).isEmpty();
    }

    @Test
    void keepsSpacesAndObsTextInTheReason() throws IOException {
        assertThat(parse("HTTP/1.1 500 Internal  Server\tError \u00e9\r\n\r\n").reason())
                .isEqualTo("Internal  Server\tError \u00e9");
    }

    @Test
    void recognisesInformationalResponsesAndLeavesTheNextHeadUnread() throws IOException {
        WireInput in = wire("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        ResponseHead first = ResponseHeadParser.read(in, LIMIT);
        ResponseHead second = ResponseHeadParser.read(in, LIMIT);

        assertThat(first.isInformational()).isTrue();
        assertThat(first.status()).isEqualTo(100);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.isInformational()).isFalse();
    }

    @Test
    void acceptsBareLfLineEndings() throws IOException {
        ResponseHead head = parse("HTTP/1.1 200 OK\nA: 1\n\n");

        assertThat(head.headers().first("A")).isEqualTo("1");
        assertThat(head.headerBytes()).isEqualTo(22);
    }

    @Test
    void countsHeaderBytesWithTerminatorsAndLeavesTheBodyBuffered() throws IOException {
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n";
        WireInput in = wire(head + "body");

        ResponseHead parsed = ResponseHeadParser.read(in, LIMIT);

        assertThat(parsed.headerBytes()).isEqualTo(head.length());
        assertThat(in.bytesConsumed()).isEqualTo(head.length());
        assertThat(latin1(readAll(in, 2))).isEqualTo("body");
    }

    @Test
    void parsesHeadArrivingOneByteAtATime() throws IOException {
        ResponseHead head = ResponseHeadParser.read(
                tricklingWire("HTTP/1.1 201 Created\r\nLocation: /x\r\nA:\r\n\r\n"), LIMIT);

        assertThat(head.status()).isEqualTo(201);
        assertThat(head.headers().first("Location")).isEqualTo("/x");
        assertThat(head.headers().first("A")).isEmpty();
    }

    @Test
    void stripsOptionalWhitespaceAroundValues() throws IOException {
        ResponseHead head = parse("HTTP/1.1 200 OK\r\nA: \t spaced out \t \r\nB:tight\r\nC:   \r\n\r\n");

        assertThat(head.headers().first("A")).isEqualTo("spaced out");
        assertThat(head.headers().first("B")).isEqualTo("tight");
        assertThat(head.headers().first("C")).isEmpty();
    }

    @Test
    void acceptsHtabAndObsTextInsideValues() throws IOException {
        ResponseHead head = parse("HTTP/1.1 200 OK\r\nA: x\ty \u00ff\r\n\r\n");

        assertThat(head.headers().first("A")).isEqualTo("x\ty \u00ff");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/2 200 OK", "HTTP/2.0 200 OK", "HTTP/0.9 200 OK", "http/1.1 200 OK", "HTTP/1.1 99 OK",
        "HTTP/1.1 099 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 20x OK", "HTTP/1.1  200 OK", "HTTP/1.1 200\tOK",
        "HTTP/1.1", "HTTP/1.1 ", "HTTP/1.x 200 OK", "HTTP/1.10 200 OK", " HTTP/1.1 200 OK", "", "ICY 200 OK",
        "HTTP/1.1 200 O\u0000K", "HTTP/1.1 200 O\u007fK", "HTTP/1.1 -20 OK",
    })
    void rejectsMalformedStatusLines(String statusLine) {
        assertThatThrownBy(() -> parse(statusLine + "\r\n\r\n"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageStartingWith("malformed HTTP status line: ");
    }

    @Test
    void quotesAtMost64EscapedCharactersOfAMalformedStatusLine() {
        String line = "\u0001BAD" + "x".repeat(200);

        assertThatThrownBy(() -> parse(line + "\r\n\r\n"))
                .hasMessage("malformed HTTP status line: \"\\x01BAD" + "x".repeat(60) + "\"...");
    }

    @Test
    void throwsEofExceptionWhenServerClosesBeforeSendingAnything() {
        assertThatThrownBy(() -> parse(""))
                .isExactlyInstanceOf(EOFException.class)
                .hasMessage("server closed connection before sending a response");
    }

    @Test
    void throwsEofExceptionWhenHeadIsTruncated() {
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nA: b\r\n")).isExactlyInstanceOf(EOFException.class);
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nA: b")).isExactlyInstanceOf(EOFException.class);
        assertThatThrownBy(() -> parse("HTTP/1.1 200 O")).isExactlyInstanceOf(EOFException.class);
    }

    @Test
    void rejectsObsoleteLineFolding() {
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("line folding");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nA: b\r\n\tc\r\n\r\n"))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void rejectsWhitespaceBeforeTheColon() {
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("field name");
    }

    @ParameterizedTest
    @ValueSource(strings = {":value", "no colon here", "Bad Name: x", "Na\u00e9me: x", "(x): y", "A\u0000: b"})
    void rejectsMalformedFieldLines(String line) {
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\n" + line + "\r\n\r\n"))
                .isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\u0001b", "a\u001fb", "a\u007fb", "a\u000bb"})
    void rejectsControlCharactersInValues(String value) {
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nX: " + value + "\r\n\r\n"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("invalid character");
    }

    @Test
    void rejectsBareCrInAHeaderLine() {
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void acceptsHeadOfExactlyTheLimit() throws IOException {
        String head = "HTTP/1.1 200 OK\r\nX: " + "v".repeat(100) + "\r\n\r\n";

        ResponseHead parsed = ResponseHeadParser.read(wire(head), head.length());

        assertThat(parsed.headerBytes()).isEqualTo(head.length());
    }

    @Test
    void rejectsHeadOneByteOverTheLimit() {
        String head = "HTTP/1.1 200 OK\r\nX: " + "v".repeat(100) + "\r\n\r\n";

        assertThatThrownBy(() -> ResponseHeadParser.read(wire(head), head.length() - 1))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("server response headers exceeded " + (head.length() - 1) + " bytes; aborted");
    }

    @Test
    void rejectsHeadWhoseFinalEmptyLineCrossesTheLimit() {
        String head = "HTTP/1.1 200 OK\r\n\r\n";

        assertThatThrownBy(() -> ResponseHeadParser.read(wire(head), head.length() - 1))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("exceeded");
    }

    @Test
    void rejectsStatusLineLongerThanTheLimit() {
        assertThatThrownBy(() -> ResponseHeadParser.read(wire("HTTP/1.1 200 " + "x".repeat(100) + "\r\n\r\n"), 50))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("exceeded 50 bytes");
    }

    @Test
    void stopsReadingAnEndlessHeadAtTheLimit() {
        CodecTestSupport.EndlessInputStream endless =
                new CodecTestSupport.EndlessInputStream("HTTP/1.1 200 OK\r\nX: ", 'a');

        assertThatThrownBy(() -> ResponseHeadParser.read(new WireInput(endless, 1024), 4096))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("exceeded 4096 bytes");
        assertThat(endless.served).isLessThanOrEqualTo(4096 + 2048);
    }

    @Test
    void rejectsManySmallHeaderLinesAddingUpOverTheLimit() {
        StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 2000; i++) {
            many.append("A: b\r\n");
        }

        assertThatThrownBy(() -> ResponseHeadParser.read(wire(many + "\r\n"), 4096))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("exceeded 4096 bytes");
    }

    @Test
    void rejectsMoreThanTenThousandFields() {
        StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 10_001; i++) {
            many.append("A:\n");
        }

        assertThatThrownBy(() -> ResponseHeadParser.read(wire(many + "\r\n"), 1 << 20))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("more than 10000 header fields");
    }

    @Test
    void acceptsTenThousandFields() throws IOException {
        StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 10_000; i++) {
            many.append("A:\n");
        }

        assertThat(ResponseHeadParser.read(wire(many + "\r\n"), 1 << 20).headers().size()).isEqualTo(10_000);
    }
}
