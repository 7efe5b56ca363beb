package dev.httppool.spring.metrics;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.LeakDetection;
import dev.httppool.RejectReason;
import dev.httppool.TransportListener;
import dev.httppool.Redaction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The {@code http.pool.*} meters in one registry. Counters and the timer are fed by transport events; gauges read
 * {@link PoolCounts}. With the {@code key} tag, the gauges of a key are registered when the key appears and removed
 * when it goes away; that bookkeeping needs a snapshot, so events only ask for it and it runs on the
 * {@code reconciler}, never on the request thread that caused the event.
 */
final class PoolMeters implements TransportListener {

    static final String CONNECTIONS = "http.pool.connections";
    static final String WAITING = "http.pool.waiting";
    static final String STREAMS = "http.pool.streams";
    static final String DIALS = "http.pool.dials";
    static final String ACQUIRE = "http.pool.acquire";
    static final String CLOSED = "http.pool.closed";
    static final String DIAL_DURATION = "http.pool.dial.duration";
    static final String TLS_DURATION = "http.pool.tls.duration";
    static final String WAIT_DURATION = "http.pool.wait.duration";
    static final String REJECTED = "http.pool.rejected";
    static final String LEAKS = "http.pool.leaks";

    private final MeterRegistry registry;
    private final PoolCounts counts;
    private final boolean perKey;
    private final Executor reconciler;

    private final ConcurrentMap<Id, Counter> dials = new ConcurrentHashMap<>();
    private final ConcurrentMap<Id, Counter> closed = new ConcurrentHashMap<>();
    private final ConcurrentMap<Id, Timer> acquire = new ConcurrentHashMap<>();
    private final ConcurrentMap<Id, Timer> dialDuration = new ConcurrentHashMap<>();
    private final ConcurrentMap<Id, Timer> tlsDuration = new ConcurrentHashMap<>();
    private final ConcurrentMap<Id, Timer> waitDuration = new ConcurrentHashMap<>();
    private final ConcurrentMap<Id, Counter> rejected = new ConcurrentHashMap<>();
    private final ConcurrentMap<Id, Counter> leaks = new ConcurrentHashMap<>();
    /** Keys whose gauges are registered; read without a lock by event threads. */
    private final Set<String> gaugedKeys = ConcurrentHashMap.newKeySet();
    // Guarded by this
    private final Map<String, List<Meter>> keyGauges = new HashMap<>();
    private final AtomicBoolean reconcilePending = new AtomicBoolean();
    private volatile boolean stopped;

    PoolMeters(MeterRegistry registry, PoolCounts counts, boolean perKey, Executor reconciler) {
        this.registry = registry;
        this.counts = counts;
        this.perKey = perKey;
        this.reconciler = reconciler;
    }

    /** Registers the gauges: the totals without the key tag, or one set per key present now. */
    void start() {
        if (perKey) {
            reconcile();
        } else {
            registerGauges(Tags.empty(), (view) -> view.totals());
        }
    }

    /** Stops registering and removing gauges; the meters stay in the registry. */
    void stop() {
        stopped = true;
    }

    @Override
    public void dialed(ConnectMethodKey key, boolean success, long nanos) {
        String k = Redaction.redact(key.toString());
        dials.computeIfAbsent(new Id(perKey ? k : "", success ? "success" : "failure"), (id) -> Counter.builder(DIALS)
                .description("Dials of new connections, by outcome")
                .tags(keyTags(id.key()).and("outcome", id.value()))
                .register(registry)).increment();
        keyChanged(k, !success);
    }

    @Override
    public void acquired(ConnectMethodKey key, boolean reused, long waitNanos) {
        String k = Redaction.redact(key.toString());
        acquire.computeIfAbsent(new Id(perKey ? k : "", Boolean.toString(reused)), (id) -> Timer.builder(ACQUIRE)
                .description("Time from asking for a connection to holding one")
                .tags(keyTags(id.key()).and("reused", id.value()))
                .register(registry)).record(waitNanos, TimeUnit.NANOSECONDS);
        keyChanged(k, false);
    }

    @Override
    public void closed(ConnectMethodKey key, CloseReason reason) {
        String k = Redaction.redact(key.toString());
        closed.computeIfAbsent(new Id(perKey ? k : "", reason.tag()), (id) -> Counter.builder(CLOSED)
                .description("Closed connections, by reason")
                .tags(keyTags(id.key()).and("reason", id.value()))
                .register(registry)).increment();
        keyChanged(k, true);
    }

    @Override
    public void connected(ConnectMethodKey key, boolean success, long nanos) {
        timer(dialDuration, DIAL_DURATION, "Time to open a TCP connection, with the proxy's CONNECT tunnel if any",
                key, "outcome", success ? "success" : "failure").record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void tlsHandshake(ConnectMethodKey key, boolean success, long nanos) {
        timer(tlsDuration, TLS_DURATION, "Time of the TLS handshake of a new connection", key, "outcome",
                success ? "success" : "failure").record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void waited(ConnectMethodKey key, long nanos) {
        timer(waitDuration, WAIT_DURATION, "Time a request waited because its key was at max-conns-per-host", key,
                null, null).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rejected(ConnectMethodKey key, RejectReason reason) {
        String k = Redaction.redact(key.toString());
        rejected.computeIfAbsent(new Id(perKey ? k : "", reason.tag()), (id) -> Counter.builder(REJECTED)
                .description("Requests that failed without a connection: max-waiting-per-host or conn-wait-timeout")
                .tags(keyTags(id.key()).and("reason", id.value()))
                .register(registry)).increment();
    }

    /** The timer {@code name} of {@code key}, with the tag {@code tag=value} when {@code tag} is not null. */
    private Timer timer(ConcurrentMap<Id, Timer> timers, String name, String description, ConnectMethodKey key,
            String tag, String value) {
        String k = perKey ? Redaction.redact(key.toString()) : "";
        return timers.computeIfAbsent(new Id(k, value == null ? "" : value), (id) -> Timer.builder(name)
                .description(description)
                .tags(tag == null ? keyTags(id.key()) : keyTags(id.key()).and(tag, id.value()))
                .register(registry));
    }

    @Override
    public void leaked(ConnectMethodKey key, LeakDetection detection) {
        String k = Redaction.redact(key.toString());
        leaks.computeIfAbsent(new Id(perKey ? k : "", detection.tag()), (id) -> Counter.builder(LEAKS)
                .description("Leaked connections: held past leak-detection-threshold, or whose response was dropped"
                        + " unfinished (then closed)")
                .tags(keyTags(id.key()).and("detection", id.value()))
                .register(registry)).increment();
    }

    /** A key may have appeared, or (after a close or a failed dial) gone away: bring the gauges up to date. */
    private void keyChanged(String key, boolean mayBeGone) {
        if (!perKey || stopped || (!mayBeGone && gaugedKeys.contains(key))) {
            return;
        }
        if (reconcilePending.compareAndSet(false, true)) {
            try {
                reconciler.execute(() -> {
                    reconcilePending.set(false);
                    reconcile();
                });
            } catch (RejectedExecutionException ex) {
                reconcilePending.set(false); // shutting down
            }
        }
    }

    /** Registers the gauges of keys that appeared and removes those of keys that went away. */
    synchronized void reconcile() {
        if (stopped) {
            return;
        }
        PoolCounts.View view = counts.refresh();
        for (String key : view.keys().keySet()) {
            if (!keyGauges.containsKey(key)) {
                keyGauges.put(key, registerGauges(keyTags(key), (v) -> v.key(key)));
                gaugedKeys.add(key);
            }
        }
        List<String> gone = new ArrayList<>();
        for (String key : keyGauges.keySet()) {
            if (!view.keys().containsKey(key)) {
                gone.add(key);
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        // A key may come back between the view above and here, and its events then see it gauged and ask for
        // nothing: unmark first, look again, and remove only what is still gone. An event after the second look
        // finds its key unmarked and asks for another reconcile, so a present key never stays without gauges.
        gone.forEach(gaugedKeys::remove);
        PoolCounts.View again = counts.refresh();
        for (String key : gone) {
            if (again.keys().containsKey(key)) {
                gaugedKeys.add(key);
            } else {
                for (Meter meter : keyGauges.remove(key)) {
                    registry.remove(meter);
                }
            }
        }
    }

    private List<Meter> registerGauges(Tags tags, Function<PoolCounts.View, PoolCounts.Counts> of) {
        List<Meter> meters = new ArrayList<>(4);
        meters.add(connections(tags, "idle", (v) -> of.apply(v).idle()));
        meters.add(connections(tags, "active", (v) -> of.apply(v).active()));
        meters.add(connections(tags, "dialing", (v) -> of.apply(v).dialing()));
        meters.add(Gauge.builder(WAITING, counts, (c) -> of.apply(c.current()).waiting())
                .description("Requests waiting for a connection")
                .tags(tags)
                .strongReference(true)
                .register(registry));
        meters.add(Gauge.builder(STREAMS, counts, (c) -> of.apply(c.current()).streams())
                .description("Open HTTP/2 streams over the pool's connections")
                .tags(tags)
                .strongReference(true)
                .register(registry));
        return meters;
    }

    private Meter connections(Tags tags, String state, ToDoubleFunction<PoolCounts.View> value) {
        return Gauge.builder(CONNECTIONS, counts, (c) -> value.applyAsDouble(c.current()))
                .description("Connections of the pool by state: idle, active (carrying a request) or dialing")
                .tags(tags.and("state", state))
                .strongReference(true)
                .register(registry);
    }

    private Tags keyTags(String key) {
        return perKey ? Tags.of("key", key) : Tags.empty();
    }

    /** A meter's identity within one meter name: the key ("" without the key tag) and the other tag's value. */
    private record Id(String key, String value) {
    }
}
