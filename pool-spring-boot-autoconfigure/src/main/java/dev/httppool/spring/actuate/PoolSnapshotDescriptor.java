package dev.httppool.spring.actuate;

import static dev.httppool.Redaction.redact;

import dev.httppool.PoolSnapshot;
import dev.httppool.TransportConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link PoolSnapshot} into the JSON of {@code /actuator/httppool}: maps, lists, strings, numbers and
 * booleans only, so the output does not depend on how the application configured Jackson. Durations are
 * ISO-8601 strings ({@code PT1M30S}), {@code idleSince} an ISO instant, and proxy credentials are masked.
 */
final class PoolSnapshotDescriptor {

    private PoolSnapshotDescriptor() {
    }

    static Map<String, Object> describe(PoolSnapshot snapshot) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings(snapshot.settings()));
        json.put("totals", totals(snapshot.totals()));
        json.put("stats", stats(snapshot.stats()));
        List<Map<String, Object>> keys = new ArrayList<>(snapshot.keys().size());
        for (PoolSnapshot.KeyStats key : snapshot.keys()) {
            keys.add(key(key));
        }
        json.put("keys", keys);
        return json;
    }

    private static Map<String, Object> settings(PoolSnapshot.Settings s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("maxIdleConns", s.maxIdleConns());
        json.put("maxIdleConnsPerHost", s.maxIdleConnsPerHost() == TransportConfig.AUTO_IDLE_CONNS_PER_HOST ? "auto"
                : s.maxIdleConnsPerHost());
        json.put("maxConnsPerHost", s.maxConnsPerHost());
        json.put("idleConnTimeout", s.idleConnTimeout().toString());
        json.put("connWaitTimeout", s.connWaitTimeout().toString());
        json.put("disableKeepAlives", s.disableKeepAlives());
        json.put("maxConnLifetime", s.maxConnLifetime().toString());
        json.put("maxConnLifetimeJitter", s.maxConnLifetimeJitter().toString());
        json.put("maxRequestsPerConn", s.maxRequestsPerConn());
        json.put("leaseStrategy", s.leaseStrategy().tag());
        json.put("maxWaitingPerHost", s.maxWaitingPerHost());
        json.put("respectServerKeepAlive", s.respectServerKeepAlive());
        return json;
    }

    private static Map<String, Object> totals(PoolSnapshot.Totals t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("connections", t.connections());
        json.put("idle", t.idle());
        json.put("active", t.active());
        json.put("dialing", t.dialing());
        json.put("waiting", t.waiting());
        return json;
    }

    private static Map<String, Object> stats(PoolSnapshot.Stats s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dials", s.dials());
        json.put("dialFailures", s.dialFailures());
        json.put("reused", s.reused());
        json.put("closed", new LinkedHashMap<String, Object>(s.closed()));
        return json;
    }

    private static Map<String, Object> key(PoolSnapshot.KeyStats k) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", redact(k.key()));
        json.put("proxy", redact(k.proxy()));
        json.put("scheme", k.scheme());
        json.put("address", k.address());
        json.put("onlyH1", k.onlyH1());
        json.put("connections", k.connections());
        json.put("idle", k.idle());
        json.put("active", k.active());
        json.put("dialing", k.dialing());
        json.put("waiting", k.waiting());
        json.put("idleCap", k.idleCap());
        json.put("streams", k.streams());
        List<Map<String, Object>> idle = new ArrayList<>(k.idleConnections().size());
        for (PoolSnapshot.IdleConnection c : k.idleConnections()) {
            idle.add(idleConnection(c));
        }
        json.put("idleConnections", idle);
        return json;
    }

    private static Map<String, Object> idleConnection(PoolSnapshot.IdleConnection c) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", c.id());
        json.put("localAddress", c.localAddress());
        json.put("remoteAddress", c.remoteAddress());
        json.put("protocol", c.protocol());
        json.put("idleSince", c.idleSince().toString());
        json.put("idleMillis", c.idleMillis());
        json.put("ageMillis", c.ageMillis());
        json.put("requests", c.requests());
        return json;
    }
}
