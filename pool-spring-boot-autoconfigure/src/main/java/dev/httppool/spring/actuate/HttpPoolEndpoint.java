package dev.httppool.spring.actuate;

import dev.httppool.spring.HttpPoolTransports;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code httppool} actuator endpoint: the shared transport's pool as one consistent snapshot, and Go's
 * {@code CloseIdleConnections}.
 * <ul>
 * <li>{@code GET /actuator/httppool}: settings, totals, counters and every key with its idle connections;
 * <li>{@code GET /actuator/httppool/{address}}: the same with the keys of one {@code host:port};
 * <li>{@code DELETE /actuator/httppool}: closes every idle connection and answers {@code {"closed": n}}.
 * </ul>
 */
@Endpoint(id = "httppool")
public class HttpPoolEndpoint {

    private final HttpPoolTransports transports;

    public HttpPoolEndpoint(HttpPoolTransports transports) {
        this.transports = Objects.requireNonNull(transports, "transports");
    }

    /** The whole pool of the shared transport. */
    @ReadOperation
    public Map<String, Object> pool() {
        return PoolSnapshotDescriptor.describe(transports.shared().snapshot());
    }

    /** The pool of the shared transport, with only the keys whose address is {@code address} ({@code host:port}). */
    @ReadOperation
    public Map<String, Object> poolForAddress(@Selector String address) {
        return PoolSnapshotDescriptor.describe(transports.shared().snapshot(address));
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
