package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class TestTlsTest {

    @Test
    void certificateIsSelfSignedForLocalhostAndTheLoopbackIpAndValidNow() throws Exception {
        X509Certificate certificate = TestTls.get().certificate();
        certificate.checkValidity();
        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(certificate.getSubjectAlternativeNames())
                .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    }

    @Test
    void concurrentCallersGetTheSameInstance() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Callable<TestTls> get = TestTls::get;
            List<Future<TestTls>> results = pool.invokeAll(List.of(get, get, get, get));
            TestTls first = results.get(0).get();
            for (Future<TestTls> result : results) {
                assertThat(result.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keyStoreFileOpensWithThePasswordAndHoldsTheKey() throws Exception {
        TestTls tls = TestTls.get();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
            store.load(in, tls.password().toCharArray());
        }
        String alias = store.aliases().nextElement();
        assertThat(store.isKeyEntry(alias)).isTrue();
        assertThat(store.getCertificate(alias)).isEqualTo(tls.certificate());
    }

    @Test
    void eachCallReturnsAFreshContext() {
        TestTls tls = TestTls.get();
        assertThat(tls.clientContext()).isNotSameAs(tls.clientContext());
        assertThat(tls.serverContext()).isNotSameAs(tls.serverContext());
    }
}
