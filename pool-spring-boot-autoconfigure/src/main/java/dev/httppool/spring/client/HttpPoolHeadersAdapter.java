package dev.httppool.spring.client;

import dev.httppool.Headers;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.util.MultiValueMap;

/**
 * A read-only {@link MultiValueMap} view of a response's {@link Headers}, with names looked up case-insensitively,
 * for {@code HttpHeaders.readOnlyHttpHeaders} to wrap: no field is copied into a map of its own unless someone
 * iterates the names. Spring's own factories adapt Apache's, Jetty's and Netty's headers the same way.
 */
final class HttpPoolHeadersAdapter extends AbstractMap<String, List<String>> implements MultiValueMap<String, String> {

    private final Headers headers;
    /** Built on first iteration. */
    private Set<Map.Entry<String, List<String>>> entries;

    HttpPoolHeadersAdapter(Headers headers) {
        this.headers = headers;
    }

    @Override
    public String getFirst(String name) {
        return headers.first(name);
    }

    /** Every value of {@code name} in order, or null when it is absent (as a map says). */
    @Override
    public List<String> get(Object name) {
        if (!(name instanceof String)) {
            return null;
        }
        List<String> values = headers.all((String) name);
        return values.isEmpty() ? null : values;
    }

    @Override
    public boolean containsKey(Object name) {
        return name instanceof String && headers.contains((String) name);
    }

    @Override
    public boolean isEmpty() {
        return headers.isEmpty();
    }

    /** One entry per distinct name (case-insensitively), spelled as first received, in the order received. */
    @Override
    public Set<Map.Entry<String, List<String>>> entrySet() {
        if (entries == null) {
            Set<Map.Entry<String, List<String>>> built = new LinkedHashSet<>();
            for (String name : headers.names()) {
                built.add(new SimpleImmutableEntry<>(name, headers.all(name)));
            }
            entries = Collections.unmodifiableSet(built);
        }
        return entries;
    }

    @Override
    public Map<String, String> toSingleValueMap() {
        Map<String, String> single = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : entrySet()) {
            single.put(e.getKey(), e.getValue().get(0));
        }
        return single;
    }

    @Override
    public void add(String name, String value) {
        throw readOnly();
    }

    @Override
    public void addAll(String name, List<? extends String> values) {
        throw readOnly();
    }

    @Override
    public void addAll(MultiValueMap<String, String> values) {
        throw readOnly();
    }

    @Override
    public void set(String name, String value) {
        throw readOnly();
    }

    @Override
    public void setAll(Map<String, String> values) {
        throw readOnly();
    }

    @Override
    public List<String> put(String name, List<String> values) {
        throw readOnly();
    }

    private static UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("response headers are read-only");
    }
}
