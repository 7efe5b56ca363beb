package dev.httppool.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.Headers;
import java.net.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodyFramingTest {

    private static ResponseHead head(int status, String... headers) {
        return new ResponseHead(status, "", 1, Headers.of(headers), 0);
    }

    private static BodyFraming get(String... headers) throws ProtocolException {
        return BodyFraming.of("GET", head(200, headers));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "gzip, chunked", "identity"})
    void anHttp10ResponseWithTransferEncodingIsReadUntilCloseEvenBesideAContentLength(String coding)
            throws ProtocolException {
        ResponseHead http10 = new ResponseHead(200, "", 0, Headers.of("Transfer-Encoding", coding), 0);
        ResponseHead http10WithLength = new ResponseHead(200, "", 0,
                Headers.of("Transfer-Encoding", coding, "Content-Length", "5"), 0);

        assertThat(BodyFraming.of("GET", http10).kind()).isEqualTo(BodyFraming.Kind.UNTIL_CLOSE);
        assertThat(BodyFraming.of("GET", http10WithLength).kind()).isEqualTo(BodyFraming.Kind.UNTIL_CLOSE);
        assertThat(BodyFraming.of("HEAD", http10).kind()).isEqualTo(BodyFraming.Kind.NONE);
        assertThat(BodyFraming.of("GET", new ResponseHead(204, "", 0, Headers.of("Transfer-Encoding", coding), 0))
                .kind()).isEqualTo(BodyFraming.Kind.NONE);
    }

    @Test
    void responseToHeadHasNoBodyWhateverItsHeadersSay() throws ProtocolException {
        BodyFraming f = BodyFraming.of("HEAD", head(200, "Content-Length", "42"));

        assertThat(f.kind()).isEqualTo(BodyFraming.Kind.NONE);
        assertThat(f.length()).isEqualTo(-1);
        assertThat(BodyFraming.of("HEAD", head(200, "Transfer-Encoding", "chunked")).kind())
                .isEqualTo(BodyFraming.Kind.NONE);
    }

    @Test
    void responseToHeadReportsTheContentLengthItDeclares() throws ProtocolException {
        assertThat(BodyFraming.of("HEAD", head(200, "Content-Length", "42")).reportedLength()).isEqualTo(42);
        assertThat(BodyFraming.of("HEAD", head(304, "Content-Length", "42")).reportedLength()).isEqualTo(42);
        assertThat(BodyFraming.of("HEAD", head(200)).reportedLength()).isEqualTo(-1);
        assertThat(BodyFraming.of("HEAD", head(200, "Transfer-Encoding", "chunked", "Content-Length", "42"))
                .reportedLength()).as("Go drops Content-Length beside Transfer-Encoding").isEqualTo(-1);
    }

    @Test
    void responseToHeadWithAnInvalidOrConflictingContentLengthIsRejected() {
        assertThatThrownBy(() -> BodyFraming.of("HEAD", head(200, "Content-Length", "4x")))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("invalid Content-Length");
        assertThatThrownBy(() -> BodyFraming.of("HEAD", head(200, "Content-Length", "4", "Content-Length", "5")))
                .isInstanceOf(ProtocolException.class).hasMessageStartingWith("conflicting Content-Length");
    }

    @Test
    void reportedLengthIsTheFixedLengthAndUnknownForOtherFramings() throws ProtocolException {
        assertThat(get("Content-Length", "1234").reportedLength()).isEqualTo(1234);
        assertThat(get("Content-Length", "0").reportedLength()).isZero();
        assertThat(get("Transfer-Encoding", "chunked").reportedLength()).isEqualTo(-1);
        assertThat(get().reportedLength()).isEqualTo(-1);
        assertThat(BodyFraming.of("GET", head(204, "Content-Length", "10")).reportedLength()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 101, 103, 199, 204, 304})
    void informationalNoContentAndNotModifiedHaveNoBody(int status) throws ProtocolException {
        assertThat(BodyFraming.of("GET", head(status, "Content-Length", "10")).kind())
                .isEqualTo(BodyFraming.Kind.NONE);
    }

    @Test
    void rejectsResponseWithBothContentLengthAndTransferEncoding() {
        assertThatThrownBy(() -> get("Content-Length", "5", "Transfer-Encoding", "chunked"))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("response has both Transfer-Encoding and Content-Length");
        assertThatThrownBy(() -> get("Transfer-Encoding", "chunked", "Content-Length", "bogus"))
                .hasMessage("response has both Transfer-Encoding and Content-Length");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "CHUNKED", "Chunked", " chunked ", "chunked,", ", chunked", "chunked , "})
    void acceptsASingleChunkedCoding(String value) throws ProtocolException {
        BodyFraming f = get("Transfer-Encoding", value);

        assertThat(f.kind()).isEqualTo(BodyFraming.Kind.CHUNKED);
        assertThat(f.length()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "chunked, chunked", "identity", "gzip", "", "chunkedx", "chunk"})
    void rejectsOtherTransferEncodings(String value) {
        assertThatThrownBy(() -> get("Transfer-Encoding", value))
                .isInstanceOf(ProtocolException.class)
                .hasMessageStartingWith("unsupported Transfer-Encoding: ");
    }

    @Test
    void rejectsChunkedSpreadOverSeveralTransferEncodingFieldsWithAnotherCoding() {
        assertThatThrownBy(() -> get("Transfer-Encoding", "gzip", "Transfer-Encoding", "chunked"))
                .hasMessage("unsupported Transfer-Encoding: \"gzip, chunked\"");
        assertThatThrownBy(() -> get("Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked"))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void usesContentLength() throws ProtocolException {
        BodyFraming f = get("Content-Length", "1234");

        assertThat(f.kind()).isEqualTo(BodyFraming.Kind.FIXED);
        assertThat(f.length()).isEqualTo(1234);
    }

    @Test
    void zeroContentLengthIsAFixedEmptyBody() throws ProtocolException {
        BodyFraming f = get("Content-Length", "0");

        assertThat(f.kind()).isEqualTo(BodyFraming.Kind.FIXED);
        assertThat(f.length()).isZero();
    }

    @Test
    void acceptsLeadingZerosAndTheLargestLong() throws ProtocolException {
        assertThat(get("Content-Length", "007").length()).isEqualTo(7);
        assertThat(get("Content-Length", String.valueOf(Long.MAX_VALUE)).length()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+5", "-5", "1 2", "0x10", "5a", "1.0", "\u00b9", "9223372036854775808",
        "99999999999999999999999", ",", "5,,5"})
    void rejectsInvalidContentLength(String value) {
        assertThatThrownBy(() -> get("Content-Length", value))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("Content-Length");
    }

    @Test
    void acceptsRepeatedEqualContentLengths() throws ProtocolException {
        assertThat(get("Content-Length", "5", "content-length", "5").length()).isEqualTo(5);
        assertThat(get("Content-Length", "5, 5,5").length()).isEqualTo(5);
    }

    @Test
    void rejectsConflictingContentLengths() {
        assertThatThrownBy(() -> get("Content-Length", "5", "Content-Length", "6"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageStartingWith("conflicting Content-Length");
        assertThatThrownBy(() -> get("Content-Length", "5, 6"))
                .hasMessageStartingWith("conflicting Content-Length");
    }

    @Test
    void readsUntilCloseWithoutContentLengthOrTransferEncoding() throws ProtocolException {
        BodyFraming f = BodyFraming.of("GET", new ResponseHead(200, "OK", 0, Headers.empty(), 0));

        assertThat(f.kind()).isEqualTo(BodyFraming.Kind.UNTIL_CLOSE);
        assertThat(f.length()).isEqualTo(-1);
    }

    @Test
    void methodOtherThanHeadKeepsTheBody() throws ProtocolException {
        assertThat(BodyFraming.of("POST", head(200, "Content-Length", "3")).length()).isEqualTo(3);
        assertThat(BodyFraming.of("head", head(200, "Content-Length", "3")).length()).isEqualTo(3);
    }
}
