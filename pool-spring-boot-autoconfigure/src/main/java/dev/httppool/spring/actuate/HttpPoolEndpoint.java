package dev.httppool.spring.actuate;

import dev.httppool.PoolSnapshot;
import dev.httppool.Transport;
import dev.httppool.spring.HttpPoolTransports;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code httppool} actuator endpoint: the shared transport's pool as one consistent snapshot, and Go's
 * {@code CloseIdleConnections}.
 * <ul>
 * <li>{@code GET /actuator/httppool}: the shared transport's settings; totals and counters summed over every
 * transport (the shared one and those made per SSL bundle or connect timeout); every key with its transport's
 * name and its idle connections; the advice;
 * <li>{@code GET /actuator/httppool/{address}}: the same for one {@code host:port} (totals, counters, keys and
 * advice), or 404 when no transport has a key for it;
 * <li>{@code DELETE /actuator/httppool}: closes every idle connection and answers {@code {"closed": n}}.
 * </ul>
 */
@Endpoint(id = "httppool")
public class HttpPoolEndpoint {

    private final HttpPoolTransports transports;
    private final Map<String, Object> proxy;

    /** An endpoint that shows no proxy settings. */
    public HttpPoolEndpoint(HttpPoolTransports transports) {
        this(transports, null, null);
    }

    /**
     * @param proxyUrl {@code http.pool.proxy.url} (shown redacted), or null when not set (the transport then
     *     follows the JVM's proxy properties, else the environment)
     * @param noProxy {@code http.pool.proxy.no-proxy}, or null
     */
    public HttpPoolEndpoint(HttpPoolTransports transports, @Nullable String proxyUrl, @Nullable String noProxy) {
        this.transports = Objects.requireNonNull(transports, "transports");
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("proxy", proxyUrl != null ? proxyUrl : "");
        settings.put("noProxy", noProxy != null ? noProxy : "");
        this.proxy = Collections.unmodifiableMap(settings);
    }

    /** The pools of every transport. */
    @ReadOperation
    public Map<String, Object> pool() {
        return describe(null);
    }

    /**
     * The pools of every transport for one address ({@code host:port}), or null (404) when none has a key for it.
     */
    @ReadOperation
    public @Nullable Map<String, Object> poolForAddress(@Selector String address) {
        Map<String, Object> json = describe(address);
        return ((List<?>) json.get("keys")).isEmpty() ? null : json;
    }

    private Map<String, Object> describe(@Nullable String address) {
        Map<String, PoolSnapshot> snapshots = new LinkedHashMap<>();
        for (Map.Entry<String, Transport> t : transports.named().entrySet()) {
            snapshots.put(t.getKey(), address == null ? t.getValue().snapshot() : t.getValue().snapshot(address));
        }
        return PoolSnapshotDescriptor.describe(transports.shared().config(), proxy, snapshots);
    }

    /**
     * Closes the idle connections of the shared transport and of those made for other client settings;
     * connections in use are left alone.
     */
    @DeleteOperation
    public Map<String, Object> closeIdleConnections() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("closed", transports.closeIdleConnections());
        return json;
    }
}
