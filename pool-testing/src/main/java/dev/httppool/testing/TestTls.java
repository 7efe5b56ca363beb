package dev.httppool.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material for tests, generated at test time with the JDK's {@code keytool} so nothing
 * expires: a self-signed RSA 2048 certificate for CN=localhost with the subject alternative
 * names {@code dns:localhost} and {@code ip:127.0.0.1}, in a PKCS12 key store in a temporary
 * directory (deleted at JVM exit). Generated once per JVM.
 *
 * <p>{@link #serverContext()} and {@link #clientContext()} return a new {@link SSLContext} on
 * every call, so TLS session caches are never shared between tests.
 */
public final class TestTls {

    private static final String ALIAS = "httppool-test";
    private static final String PASSWORD = "changeit-httppool";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private static TestTls instance; // guarded by TestTls.class

    private final Path keyStorePath;
    private final KeyStore keyStore;
    private final X509Certificate certificate;

    private TestTls(Path keyStorePath, KeyStore keyStore, X509Certificate certificate) {
        this.keyStorePath = keyStorePath;
        this.keyStore = keyStore;
        this.certificate = certificate;
    }

    /** The JVM-wide instance, generating the key store on first use. */
    public static synchronized TestTls get() {
        if (instance == null) {
            try {
                instance = generate();
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("could not create test TLS material", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running keytool", e);
            }
        }
        return instance;
    }

    private static TestTls generate()
            throws IOException, GeneralSecurityException, InterruptedException {
        Path dir = Files.createTempDirectory("httppool-test-tls");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir),
                "test-tls-cleanup"));
        Path store = dir.resolve("localhost.p12");
        Path log = dir.resolve("keytool.log");
        List<String> command = List.of(keytool().toString(), "-genkeypair", "-noprompt",
                "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS
                    + " s: " + Files.readString(log, StandardCharsets.UTF_8));
        }
        if (process.exitValue() != 0 || !Files.exists(store)) {
            throw new IOException("keytool failed with exit code " + process.exitValue() + ": "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        X509Certificate certificate = (X509Certificate) keyStore.getCertificate(ALIAS);
        if (certificate == null) {
            throw new IOException("keytool wrote no certificate under alias " + ALIAS);
        }
        return new TestTls(store, keyStore, certificate);
    }

    private static Path keytool() throws IOException {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        for (String name : List.of("keytool", "keytool.exe")) {
            Path candidate = bin.resolve(name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IOException("no keytool in " + bin);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }

    /** A new server-side context presenting the test certificate. */
    public synchronized SSLContext serverContext() {
        try {
            KeyManagerFactory kmf =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new client-side context that trusts the test certificate and nothing else. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, certificate);
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The self-signed certificate (CN=localhost, SAN dns:localhost and ip:127.0.0.1). */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The PKCS12 key store file holding the key and certificate. */
    public Path keyStore() {
        return keyStorePath;
    }

    /** Password of both the key store and the key. */
    public String password() {
        return PASSWORD;
    }
}
