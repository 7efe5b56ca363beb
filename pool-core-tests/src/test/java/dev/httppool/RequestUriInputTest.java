package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.client.Client;
import dev.httppool.testing.ScriptServer;
import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Target URIs that are valid for {@link URI} but cannot go on the wire as written: a non-ASCII path or query is
 * percent-encoded as UTF-8 when the request is built (as browsers do, and Go for the path), and a host with a
 * trailing dot is refused when the request is built, with a message that says why, before any connection is
 * asked for.
 */
@Timeout(30)
class RequestUriInputTest extends TransportTestSupport {

    @Test
    void aNonAsciiPathAndQueryArePercentEncodedAsUtf8WhenTheRequestIsBuilt() throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(r -> "ok " + r.target()));
        Transport transport = transport(TransportConfig.defaults());

        Request fromText = Request.get(server.url("/päth/€?q=ü&r=a%20b"));
        Request fromUri = Request.builder(URI.create(server.url("/päth/€?q=ü&r=a%20b"))).build();

        assertThat(fromText.uri()).isEqualTo(fromUri.uri())
                .isEqualTo(URI.create(server.url("/p%C3%A4th/%E2%82%AC?q=%C3%BC&r=a%20b")));
        assertThat(readToEof(transport.roundTrip(fromText))).isEqualTo("ok /p%C3%A4th/%E2%82%AC?q=%C3%BC&r=a%20b");
        assertThat(readToEof(transport.roundTrip(fromUri))).isEqualTo("ok /p%C3%A4th/%E2%82%AC?q=%C3%BC&r=a%20b");
        assertThat(server.acceptedCount()).as("one connection, reused: nothing went wrong on it").isEqualTo(1);
    }

    @Test
    void anAsciiUriIsKeptAsTheCallerGaveIt() {
        URI uri = URI.create("http://example.com/a%2Fb?x=%41");

        assertThat(Request.get(uri).uri()).isSameAs(uri);
    }

    @Test
    void aHostWithATrailingDotIsRefusedWhenTheRequestIsBuiltOverHttpAndHttps() {
        ScriptServer server = server(ScriptServer.keepAlive(r -> "ok"));
        Transport transport = transport(TransportConfig.defaults());

        for (String scheme : new String[] {"http", "https"}) {
            String url = scheme + "://localhost.:" + server.port() + "/";
            String message = "host 'localhost.' ends with a dot: names with a trailing dot are not supported, "
                    + "write 'localhost'";
            assertThatIllegalArgumentException().isThrownBy(() -> Request.get(url)).withMessage(message);
            assertThatIllegalArgumentException().isThrownBy(() -> Request.builder(URI.create(url)))
                    .withMessage(message);
        }
        assertThatIllegalArgumentException().isThrownBy(() -> Request.get("http://Example.COM./"))
                .withMessage("host 'Example.COM.' ends with a dot: names with a trailing dot are not supported, "
                        + "write 'Example.COM'");

        assertThat(server.acceptedCount()).isZero();
        assertThat(transport.snapshot().stats().dials()).isZero();
    }

    @Test
    void aRedirectToAHostWithATrailingDotFailsClearlyAndReleasesTheConnection() throws Exception {
        ScriptServer server = server(ScriptServer.keepAliveResponding((conn, request) -> conn.respond(302, "moved",
                "Location: http://localhost.:" + conn.socket().getLocalPort() + "/next")));
        Transport transport = transport(TransportConfig.defaults());

        Throwable thrown = catchThrowable(() -> new Client(transport).send(Request.get(server.url("/start"))));

        assertThat(thrown).isInstanceOf(IOException.class).hasMessage("GET " + server.url("/start")
                + ": cannot follow redirect to http://localhost.:" + server.port() + "/next: host 'localhost.' ends "
                + "with a dot: names with a trailing dot are not supported, write 'localhost'");
        assertThat(transport.snapshot().totals().idle()).isEqualTo(1);
        assertThat(server.requests()).hasSize(1);
    }
}
