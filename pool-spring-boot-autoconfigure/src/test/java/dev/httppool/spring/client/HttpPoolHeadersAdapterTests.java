package dev.httppool.spring.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httppool.Headers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** Response headers reach Spring as a read-only view, looked up case-insensitively, without being copied. */
class HttpPoolHeadersAdapterTests {

    private final Headers received = Headers.of(
            "Content-Type", "application/json",
            "Set-Cookie", "a=1",
            "content-length", "42",
            "set-cookie", "b=2",
            "X-Trace", "abc");

    @Test
    void springReadsTypedValuesThroughTheViewWhateverTheCase() {
        HttpHeaders headers = HttpHeaders.readOnlyHttpHeaders(new HttpPoolHeadersAdapter(received));

        assertThat(headers.getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(headers.getContentLength()).isEqualTo(42);
        assertThat(headers.get("SET-COOKIE")).containsExactly("a=1", "b=2");
        assertThat(headers.getFirst("x-trace")).isEqualTo("abc");
        assertThat(headers.containsHeader("X-TRACE")).isTrue();
        assertThat(headers.get("Absent")).isNull();
        assertThat(headers.getFirst("Absent")).isNull();
    }

    @Test
    void namesAreListedOnceAsFirstReceivedAndInOrder() {
        HttpPoolHeadersAdapter view = new HttpPoolHeadersAdapter(received);

        assertThat(view.keySet()).containsExactly("Content-Type", "Set-Cookie", "content-length", "X-Trace");
        assertThat(view.size()).isEqualTo(4);
        assertThat(view.get("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(view.toSingleValueMap()).containsExactly(Map.entry("Content-Type", "application/json"),
                Map.entry("Set-Cookie", "a=1"), Map.entry("content-length", "42"), Map.entry("X-Trace", "abc"));
        assertThat(HttpHeaders.readOnlyHttpHeaders(view).headerNames())
                .containsExactly("Content-Type", "Set-Cookie", "content-length", "X-Trace");
    }

    @Test
    void everyWayOfChangingTheViewIsRefused() {
        HttpPoolHeadersAdapter view = new HttpPoolHeadersAdapter(received);

        assertThatThrownBy(() -> view.add("X-New", "1")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> view.set("X-Trace", "1")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> view.put("X-Trace", List.of("1"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> view.remove("X-Trace")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(view::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> view.get("Set-Cookie").add("c=3")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> HttpHeaders.readOnlyHttpHeaders(view).add("X-New", "1"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(view.get("X-Trace")).containsExactly("abc");
    }

    @Test
    void anEmptyResponseHasNoHeaders() {
        HttpHeaders headers = HttpHeaders.readOnlyHttpHeaders(new HttpPoolHeadersAdapter(Headers.empty()));

        assertThat(headers.isEmpty()).isTrue();
        assertThat(headers.getContentLength()).isEqualTo(-1);
    }
}
