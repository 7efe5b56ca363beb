package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httppool.testing.NginxServer;
import dev.httppool.testing.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 against Debian's nginx over TLS on loopback (skipped where nginx is not installed; {@code .ci/run}
 * installs it): multiplexing, GOAWAY on reload under load, 10 MB each way, cancellation.
 */
@Timeout(120)
class NginxHttp2Test extends TransportTestSupport {

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private NginxServer nginx;

    @BeforeEach
    void startNginx() throws Exception {
        assumeTrue(NginxServer.available(), "nginx is not installed");
        nginx = closeLater(NginxServer.start());
    }

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    private Transport h2Transport() {
        return transport(Transport.builder().config(TransportConfig.defaults())
                .sslContext(TestTls.get().clientContext()));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String getSha256(Transport t, String url) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Response r = t.roundTrip(Request.get(url)); InputStream in = r.body()) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.protocol()).isEqualTo("HTTP/2.0");
            byte[] buf = new byte[32 * 1024];
            for (int k; (k = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, k);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private String small(Transport t) throws IOException {
        try (Response r = t.roundTrip(Request.get(nginx.url("/small")))) {
            return r.status() + " " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void fiftyConcurrentDownloadsAreStreamsOfTheOneConnectionNginxLogs() throws Exception {
        byte[] file = random(1 << 20, 1);
        Files.write(nginx.files().resolve("1m.bin"), file);
        Transport transport = h2Transport();
        String url = nginx.url("/files/1m.bin");
        assertThat(getSha256(transport, url)).isEqualTo(sha256(file));
        int n = 50;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(callers.submit(() -> {
                go.await();
                return getSha256(transport, url);
            }));
        }
        go.countDown();
        for (Future<String> f : results) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(sha256(file));
        }

        assertThat(nginx.awaitAccessLog(n + 1)).hasSize(n + 1)
                .allMatch(l -> l.contains(" HTTP/2.0 200 GET /files/1m.bin"));
        assertThat(nginx.connectionsServing()).hasSize(1);
        assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
    }

    @Test
    void reloadingNginxUnderLoadSendsGoawayAndNoRequestFails() throws Exception {
        Transport transport = h2Transport();
        assertThat(small(transport)).isEqualTo("200 hello, world\n");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger();
        List<Future<List<String>>> workers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            workers.add(callers.submit(() -> {
                List<String> failures = new ArrayList<>();
                while (!stop.get()) {
                    try {
                        String r = small(transport);
                        if (!r.equals("200 hello, world\n")) {
                            failures.add(r);
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                    done.incrementAndGet();
                }
                return failures;
            }));
        }
        for (int reload = 1; reload <= 3; reload++) {
            int before = done.get();
            awaitTrue("200 more requests before reload", () -> done.get() >= before + 200);
            int connections = nginx.connectionsServing().size();
            nginx.reload();
            awaitTrue("a new connection serving after the reload",
                    () -> nginx.connectionsServing().size() > connections);
        }
        int before = done.get();
        awaitTrue("200 more requests after the last reload", () -> done.get() >= before + 200);
        stop.set(true);

        List<String> failures = new ArrayList<>();
        for (Future<List<String>> w : workers) {
            failures.addAll(w.get(10, TimeUnit.SECONDS));
        }
        assertThat(failures).isEmpty();
        assertThat(nginx.connectionsServing()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(closed(transport, CloseReason.GOAWAY)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void tenMegabytesGoUpAndComeDownIntactWithMatchingChecksums() throws Exception {
        Transport transport = h2Transport();
        byte[] up = random(10 * 1024 * 1024, 2);

        try (Response put = transport.roundTrip(Request.builder(nginx.url("/files/up.bin"))
                .put(RequestBody.of(up)).build())) {
            assertThat(put.protocol()).isEqualTo("HTTP/2.0");
            assertThat(put.status()).isEqualTo(201);
        }
        assertThat(sha256(Files.readAllBytes(nginx.files().resolve("up.bin")))).isEqualTo(sha256(up));

        assertThat(getSha256(transport, nginx.url("/files/up.bin"))).isEqualTo(sha256(up));
        assertThat(nginx.awaitAccessLog(2)).hasSize(2);
        assertThat(nginx.connectionsServing()).hasSize(1);
    }

    @Test
    void cancellingADownloadResetsItsStreamAndTheConnectionCarriesOn() throws Exception {
        Files.write(nginx.files().resolve("64m.bin"), random(64 << 20, 3));
        Transport transport = h2Transport();

        Response big = transport.roundTrip(Request.get(nginx.url("/files/64m.bin")));
        assertThat(big.body().read(new byte[1000])).isPositive();
        big.close(); // 64 MiB left: more than a drain may read, so the stream is reset

        assertThat(small(transport)).isEqualTo("200 hello, world\n");
        assertThat(nginx.awaitAccessLog(1)).isNotEmpty();
        assertThat(nginx.connectionsServing()).hasSize(1);
        assertThat(transport.snapshot().stats().closed()).isEmpty();
        assertThat(transport.snapshot().stats().dials()).isEqualTo(1);
    }
}
