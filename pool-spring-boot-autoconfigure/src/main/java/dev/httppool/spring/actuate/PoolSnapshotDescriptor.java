package dev.httppool.spring.actuate;

import static dev.httppool.Redaction.redact;

import dev.httppool.HostOverride;
import dev.httppool.CloseReason;
import dev.httppool.PoolSnapshot;
import dev.httppool.TransportConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link PoolSnapshot} into the JSON of {@code /actuator/httppool}: maps, lists, strings, numbers and
 * booleans only, so the output does not depend on how the application configured Jackson. Durations are
 * ISO-8601 strings ({@code PT1M30S}), sizes in bytes, {@code idleSince} and {@code checkedOutAt} ISO instants, and
 * proxy credentials are masked.
 */
final class PoolSnapshotDescriptor {

    private PoolSnapshotDescriptor() {
    }

    /**
     * The JSON of several transports' snapshots: {@code settings} of the shared transport ({@code config} and
     * {@code proxy}), {@code totals} and {@code stats} summed over all, every key with its {@code transport}'s
     * name, and all {@code advice}.
     *
     * @param snapshots each transport's snapshot by its name, the shared transport's ({@code default}) first
     */
    static Map<String, Object> describe(TransportConfig config, Map<String, Object> proxy,
            Map<String, PoolSnapshot> snapshots) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settings(config, proxy));
        int[] totals = new int[5];
        long[] stats = new long[3];
        Map<String, Long> closed = new LinkedHashMap<>();
        List<Map<String, Object>> keys = new ArrayList<>();
        List<Map<String, Object>> advice = new ArrayList<>();
        snapshots.forEach((transport, snapshot) -> {
            PoolSnapshot.Totals t = snapshot.totals();
            totals[0] += t.connections();
            totals[1] += t.idle();
            totals[2] += t.active();
            totals[3] += t.dialing();
            totals[4] += t.waiting();
            stats[0] += snapshot.stats().dials();
            stats[1] += snapshot.stats().dialFailures();
            stats[2] += snapshot.stats().reused();
            snapshot.stats().closed().forEach((reason, n) -> closed.merge(reason, n, Long::sum));
            for (PoolSnapshot.KeyStats key : snapshot.keys()) {
                keys.add(key(key, transport, config));
            }
            for (PoolSnapshot.Advice a : snapshot.advice()) {
                advice.add(advice(a));
            }
        });
        json.put("totals", totals(new PoolSnapshot.Totals(totals[0], totals[1], totals[2], totals[3], totals[4])));
        json.put("stats", stats(new PoolSnapshot.Stats(stats[0], stats[1], stats[2], inReasonOrder(closed))));
        json.put("keys", keys);
        json.put("advice", advice);
        return json;
    }

    /** Close reasons in the order of {@link CloseReason}, as each snapshot lists them. */
    private static Map<String, Long> inReasonOrder(Map<String, Long> closed) {
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (CloseReason reason : CloseReason.values()) {
            Long n = closed.get(reason.tag());
            if (n != null) {
                ordered.put(reason.tag(), n);
            }
        }
        return ordered;
    }

    /** Every setting of the transport, under the camelCase of its {@code http.pool.*} property. */
    private static Map<String, Object> settings(TransportConfig c, Map<String, Object> proxy) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("maxIdleConns", c.maxIdleConns());
        json.put("maxIdleConnsPerHost", c.maxIdleConnsPerHost() == TransportConfig.AUTO_IDLE_CONNS_PER_HOST ? "auto"
                : c.maxIdleConnsPerHost());
        json.put("maxConnsPerHost", c.maxConnsPerHost());
        json.put("idleConnTimeout", c.idleConnTimeout().toString());
        json.put("connWaitTimeout", c.connWaitTimeout().toString());
        json.put("disableKeepAlives", c.disableKeepAlives());
        json.put("maxConnLifetime", c.maxConnLifetime().toString());
        json.put("maxConnLifetimeJitter", c.maxConnLifetimeJitter().toString());
        json.put("maxRequestsPerConn", c.maxRequestsPerConn());
        json.put("leaseStrategy", c.leaseStrategy().tag());
        json.put("maxWaitingPerHost", c.maxWaitingPerHost());
        json.put("respectServerKeepAlive", c.respectServerKeepAlive());
        json.put("leakDetectionThreshold", c.leakDetectionThreshold().toString());
        Map<String, Object> http2 = new LinkedHashMap<>();
        http2.put("enabled", c.http2Enabled());
        http2.put("strictMaxConcurrentStreams", c.http2StrictMaxConcurrentStreams());
        http2.put("pingInterval", c.http2PingInterval().toString());
        http2.put("pingTimeout", c.http2PingTimeout().toString());
        json.put("http2", http2);
        json.put("dialTimeout", c.dialTimeout().toString());
        json.put("tcpKeepAlive", c.tcpKeepAlive().toString());
        json.put("tlsHandshakeTimeout", c.tlsHandshakeTimeout().toString());
        json.put("responseHeaderTimeout", c.responseHeaderTimeout().toString());
        json.put("expectContinueTimeout", c.expectContinueTimeout().toString());
        json.put("maxResponseHeaderBytes", c.maxResponseHeaderBytes());
        json.put("disableCompression", c.disableCompression());
        json.put("readBufferSize", c.readBufferSize());
        json.put("writeBufferSize", c.writeBufferSize());
        proxy.forEach((name, value) -> json.put(name, value instanceof String text ? redact(text) : value));
        List<Map<String, Object>> hosts = new ArrayList<>(c.hosts().size());
        for (HostOverride h : c.hosts()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("match", redact(h.match()));
            entry.putAll(hostSettings(h, null));
            hosts.add(entry);
        }
        json.put("hosts", hosts);
        return json;
    }

    /**
     * The settings {@code h} sets, in the global settings' names; with {@code global}, only those that differ from
     * it (what a key matching {@code h} has in place of the global settings).
     */
    private static Map<String, Object> hostSettings(HostOverride h, TransportConfig global) {
        Map<String, Object> json = new LinkedHashMap<>();
        boolean all = global == null;
        if (h.maxIdleConnsPerHost() != null && (all || h.maxIdleConnsPerHost() != global.maxIdleConnsPerHost())) {
            json.put("maxIdleConnsPerHost", h.maxIdleConnsPerHost() == TransportConfig.AUTO_IDLE_CONNS_PER_HOST
                    ? "auto" : h.maxIdleConnsPerHost());
        }
        if (h.maxConnsPerHost() != null && (all || h.maxConnsPerHost() != global.maxConnsPerHost())) {
            json.put("maxConnsPerHost", h.maxConnsPerHost());
        }
        if (h.maxWaitingPerHost() != null && (all || h.maxWaitingPerHost() != global.maxWaitingPerHost())) {
            json.put("maxWaitingPerHost", h.maxWaitingPerHost());
        }
        if (h.idleConnTimeout() != null && (all || !h.idleConnTimeout().equals(global.idleConnTimeout()))) {
            json.put("idleConnTimeout", h.idleConnTimeout().toString());
        }
        if (h.connWaitTimeout() != null && (all || !h.connWaitTimeout().equals(global.connWaitTimeout()))) {
            json.put("connWaitTimeout", h.connWaitTimeout().toString());
        }
        if (h.maxConnLifetime() != null && (all || !h.maxConnLifetime().equals(global.maxConnLifetime()))) {
            json.put("maxConnLifetime", h.maxConnLifetime().toString());
        }
        if (h.maxRequestsPerConn() != null && (all || h.maxRequestsPerConn() != global.maxRequestsPerConn())) {
            json.put("maxRequestsPerConn", h.maxRequestsPerConn());
        }
        if (h.leaseStrategy() != null && (all || h.leaseStrategy() != global.leaseStrategy())) {
            json.put("leaseStrategy", h.leaseStrategy().tag());
        }
        if (h.minIdle() > 0) {
            json.put("minIdle", h.minIdle());
        }
        return json;
    }

    private static Map<String, Object> advice(PoolSnapshot.Advice a) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", redact(a.key()));
        json.put("setting", a.setting());
        json.put("current", a.current());
        json.put("suggested", a.suggested());
        json.put("reason", a.reason());
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

    private static Map<String, Object> key(PoolSnapshot.KeyStats k, String transport, TransportConfig global) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", redact(k.key()));
        json.put("transport", transport);
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
        List<Map<String, Object>> active = new ArrayList<>(k.activeConnections().size());
        for (PoolSnapshot.ActiveConnection c : k.activeConnections()) {
            active.add(activeConnection(c));
        }
        json.put("activeConnections", active);
        if (k.hostOverride() != null) {
            // The key matched a hosts entry: which one, and its settings that differ from the global ones.
            json.put("hostsMatch", redact(k.hostOverride().match()));
            json.put("settings", hostSettings(k.hostOverride(), global));
        }
        return json;
    }

    private static Map<String, Object> activeConnection(PoolSnapshot.ActiveConnection c) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", c.id());
        json.put("localAddress", c.localAddress());
        json.put("remoteAddress", c.remoteAddress());
        json.put("protocol", c.protocol());
        json.put("checkedOutAt", c.checkedOutAt().toString());
        json.put("heldMillis", c.heldMillis());
        json.put("ageMillis", c.ageMillis());
        json.put("requests", c.requests());
        json.put("request", c.request());
        json.put("thread", c.thread());
        json.put("leakSuspected", c.leakSuspected());
        json.put("streams", c.streams());
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
        if ("h2".equals(c.protocol())) {
            json.put("streams", 0); // CONTRACT: an HTTP/2 connection shows its open streams; an idle one has none
        }
        return json;
    }
}
