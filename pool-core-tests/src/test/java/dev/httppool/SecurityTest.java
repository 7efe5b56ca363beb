package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.FaultServer;
import dev.httppool.testing.FaultServer.Fault;
import dev.httppool.testing.Loopback;
import dev.httppool.testing.RecordingListener;
import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.TestProxy;
import dev.httppool.testing.TestTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 4, security: certificate and hostname verification cannot be skipped, header injection is refused
 * before anything is sent, responses framed two ways are refused and their connection dropped, and credentials
 * never show in exceptions, snapshots, keys, listener events or toString()s. (An untrusted certificate: see
 * {@code TransportTlsIntegrationTest}; CR/LF/NUL through {@code Request.Builder.header}: see
 * {@code TransportErrorsIntegrationTest}.)
 */
@Timeout(60)
class SecurityTest extends TransportTestSupport {

    private static final String PROXY_PASSWORD = "pr0xy-s3cret";
    private static final String BEARER = "Bearer t0ken-s3cret";
    private static final String PROXY_AUTHORIZATION = "Basic " + Base64.getEncoder().encodeToString(
            ("carol:hdr-s3cret").getBytes(StandardCharsets.UTF_8));
    private static final List<String> SECRETS = List.of(PROXY_PASSWORD, "t0ken-s3cret", "hdr-s3cret",
            PROXY_AUTHORIZATION.substring("Basic ".length()),
            Base64.getEncoder().encodeToString(("alice:" + PROXY_PASSWORD).getBytes(StandardCharsets.UTF_8)));

    @Test
    void aCertificateForAnotherHostnameFailsTheHandshakeEvenWhenItsIssuerIsTrusted() throws Exception {
        ScriptServer server = closeLater(ScriptServer.startTls(ScriptServer.keepAlive(r -> "verified"),
                TestTls.get().serverContext()));
        // The name resolves nowhere; the dialer sends every connection to the loopback server, whose
        // certificate (trusted here) is for localhost and 127.0.0.1 only.
        Dialer toServer = (host, port, timeout) -> Dialer.tcp(Duration.ZERO).dial("127.0.0.1", server.port(), timeout);
        Transport transport = transport(Transport.builder().dialer(toServer)
                .sslContext(TestTls.get().clientContext()).config(TransportConfig.defaults()));

        Throwable thrown = catchThrowable(() -> transport.roundTrip(
                Request.get("https://wrong-name.httppool.test:" + server.port() + "/")).close());

        assertThat(thrown).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("|https|wrong-name.httppool.test:" + server.port());
        assertThat(server.requests()).as("nothing sent over an unverified connection").isEmpty();
        assertThat(transport.snapshot().totals().connections()).isZero();
        assertThat(transport.snapshot().stats().dialFailures()).isEqualTo(1);
        // The same server under its own name works: the failure was the hostname, nothing else.
        assertThat(get(transport, "https://localhost:" + server.port() + "/ok")).isEqualTo("verified");
    }

    @Test
    void theTransportBuilderHasNoSwitchThatTurnsCertificateOrHostnameVerificationOff() {
        for (java.lang.reflect.Method m : Transport.Builder.class.getMethods()) {
            assertThat(m.getName().toLowerCase(java.util.Locale.ROOT)).as("Transport.Builder." + m.getName())
                    .doesNotContain("trustall").doesNotContain("insecure").doesNotContain("verif")
                    .doesNotContain("hostnameverifier");
        }
        for (java.lang.reflect.Method m : TransportConfig.Builder.class.getMethods()) {
            assertThat(m.getName().toLowerCase(java.util.Locale.ROOT)).as("TransportConfig.Builder." + m.getName())
                    .doesNotContain("trust").doesNotContain("insecure").doesNotContain("verif");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"CR in value", "LF in value", "NUL in value", "CR in name", "LF in name", "NUL in name"})
    void headerNamesAndValuesWithCrLfOrNulAreRejectedOnEveryPathBeforeAnythingIsSent(String what) throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(r -> "ok"));
        Transport transport = transport(TransportConfig.defaults());
        char bad = what.startsWith("CR") ? '\r' : what.startsWith("LF") ? '\n' : '\0';
        String name = what.endsWith("name") ? "X-A" + bad + "B" : "X-Ok";
        String value = what.endsWith("value") ? "a" + bad + "Injected: yes" : "fine";

        assertThatThrownBy(() -> Request.builder(server.url("/")).header(name, value))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Request.builder(server.url("/")).setHeader(name, value))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.of(name, value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.builder().add(name, value)).isInstanceOf(IllegalArgumentException.class);

        assertThat(server.acceptedCount()).isZero();
        assertThat(transport.snapshot().stats().dials()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"CONTENT_LENGTH_AND_CHUNKED", "CONFLICTING_CONTENT_LENGTHS"})
    void aResponseFramedTwoWaysIsRejectedItsConnectionClosedAndItsSmuggledTailNeverReachesAnotherRequest(Fault fault)
            throws Exception {
        FaultServer faults = FaultServer.create();
        ScriptServer server = server(faults.handler());
        Transport transport = transport(TransportConfig.defaults());
        assertThat(get(transport, server.url("/before"))).isEqualTo("ok /before");

        Throwable thrown = catchThrowable(() -> transport.roundTrip(Request.get(server.url(fault.path()))).close());

        assertThat(thrown).isInstanceOf(ProtocolException.class).hasMessageContaining("|http|" + server.address());
        assertThat(server.awaitOpenCount(0, WAIT)).as("the client closed the connection").isTrue();
        assertThat(closed(transport, CloseReason.BROKEN)).isEqualTo(1);
        assertThat(get(transport, server.url("/after"))).isEqualTo("ok /after");
        assertThat(server.acceptedCount()).isEqualTo(2);
    }

    @Test
    void credentialsAppearInNoExceptionSnapshotKeyEventOrToString() throws Exception {
        List<String> seen = new ArrayList<>();
        RecordingListener events = new RecordingListener();
        Headers secretHeaders = Headers.of("Authorization", BEARER, "Proxy-Authorization", PROXY_AUTHORIZATION);

        // 1. Through a live proxy that wants the credentials: a working request, then a faulty one.
        ScriptServer upstream = server(FaultServer.create().handler());
        TestProxy proxy = closeLater(TestProxy.startWithAuth("alice", PROXY_PASSWORD));
        Transport viaProxy = transport(Transport.builder().listener(events)
                .proxy(ProxyResolver.fixed(proxy.url("alice:" + PROXY_PASSWORD), null))
                .config(TransportConfig.defaults()));
        Request ok = Request.builder(upstream.url("/ok")).headers(secretHeaders).trace(events).build();
        try (Response response = viaProxy.roundTrip(ok)) {
            seen.add(response.toString());
            seen.add(response.request().toString());
            seen.add(response.headers().toString());
            response.body().readAllBytes();
        }
        seen.add(ok.toString());
        seen.add(ok.headers().toString());
        Throwable garbage = catchThrowable(() -> {
            try (Response r = viaProxy.roundTrip(Request.builder(upstream.url(Fault.GARBAGE_STATUS_LINE.path()))
                    .headers(secretHeaders).build())) {
                seen.add(r.toString()); // the test proxy may turn the garbage into its own error response
                seen.add(new String(r.body().readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        });
        if (garbage != null) {
            seen.add(stackTraceOf(garbage));
        }
        seen.add(viaProxy.snapshot().toString());
        seen.add(viaProxy.keyFor(ok.uri()).toString());

        // 2. CONNECT refused by the proxy (wrong password) for an https target.
        TestProxy strict = closeLater(TestProxy.startWithAuth("alice", "other"));
        Transport refused = transport(Transport.builder().listener(events)
                .proxy(ProxyResolver.fixed(strict.url("alice:" + PROXY_PASSWORD), null))
                .config(TransportConfig.defaults()));
        seen.add(stackTraceOf(catchThrowable(() -> refused.roundTrip(Request.builder(
                "https://127.0.0.1:" + upstream.port() + "/").headers(secretHeaders).build()).close())));

        // 3. A proxy nobody listens on.
        int dead = Loopback.closedPort();
        Transport unreachable = transport(Transport.builder().listener(events)
                .proxy(ProxyResolver.fixed("http://alice:" + PROXY_PASSWORD + "@127.0.0.1:" + dead, null))
                .config(TransportConfig.defaults()));
        seen.add(stackTraceOf(catchThrowable(() -> unreachable.roundTrip(Request.builder(upstream.url("/x"))
                .headers(secretHeaders).build()).close())));

        // 4. A connection-wait timeout, whose exception carries the key's counts.
        Transport capped = transport(Transport.builder().listener(events)
                .proxy(ProxyResolver.fixed(proxy.url("alice:" + PROXY_PASSWORD), null))
                .config(TransportConfig.builder().maxConnsPerHost(1).connWaitTimeout(Duration.ofMillis(50)).build()));
        // (no caller Proxy-Authorization here: the proxy would answer 407 and free the connection at once)
        try (Response held = capped.roundTrip(Request.builder(upstream.url("/held")).header("Authorization", BEARER)
                .build())) {
            seen.add(stackTraceOf(catchThrowable(() -> capped.roundTrip(Request.builder(upstream.url("/waits"))
                    .header("Authorization", BEARER).build()).close())));
            seen.add(capped.snapshot().toString());
            held.body().readAllBytes();
        }
        seen.addAll(events.events());

        assertThat(seen).as("everything shown").isNotEmpty().allSatisfy(text -> {
            for (String secret : SECRETS) {
                assertThat(text).doesNotContain(secret);
            }
        });
        assertThat(String.join("\n", seen)).contains("alice:***@").contains("407").contains("proxyconnect");
    }

    /** The whole of a throwable as a log would print it: messages, causes, suppressed, stack. */
    static String stackTraceOf(Throwable t) {
        assertThat(t).as("an exception was expected").isNotNull();
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
