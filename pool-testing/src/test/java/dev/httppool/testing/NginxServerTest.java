package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class NginxServerTest {

    @Test
    void nginxSpeaksHttp2OverTlsStoresPutsAndLogsTheServingConnection() throws Exception {
        assumeTrue(NginxServer.available(), "nginx is not installed");
        Path prefix;
        try (NginxServer nginx = NginxServer.start()) {
            HttpClient client = HttpClient.newBuilder().sslContext(TestTls.get().clientContext())
                    .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> small = client.send(HttpRequest.newBuilder(URI.create(nginx.url("/small"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(nginx.url("/files/a.txt")))
                    .PUT(HttpRequest.BodyPublishers.ofString("stored")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(nginx.url("/files/a.txt")))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(small.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(small.body()).isEqualTo("hello, world\n");
            assertThat(put.statusCode()).isEqualTo(201);
            assertThat(Files.readString(nginx.files().resolve("a.txt"))).isEqualTo("stored");
            assertThat(get.body()).isEqualTo("stored");
            assertThat(nginx.awaitAccessLog(3)).hasSize(3).allMatch(line -> line.contains(" HTTP/2.0 "));
            assertThat(nginx.connectionsServing()).hasSize(1);
            prefix = nginx.files().getParent();
        }
        assertThat(prefix).doesNotExist();
    }
}
