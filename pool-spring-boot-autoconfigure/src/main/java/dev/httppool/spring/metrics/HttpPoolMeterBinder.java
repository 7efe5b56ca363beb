package dev.httppool.spring.metrics;

import dev.httppool.spring.HttpPoolTransports;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the pool as Micrometer meters:
 * <ul>
 * <li>{@code http.pool.connections} (gauge; tags {@code key}, {@code state} = idle | active | dialing);
 * <li>{@code http.pool.waiting} (gauge; tag {@code key}): requests waiting for a connection;
 * <li>{@code http.pool.streams} (gauge; tag {@code key}): open HTTP/2 streams;
 * <li>{@code http.pool.dials} (counter; tags {@code key}, {@code outcome} = success | failure);
 * <li>{@code http.pool.acquire} (timer; tags {@code key}, {@code reused}): from asking for a connection to
 * holding one;
 * <li>{@code http.pool.closed} (counter; tags {@code key}, {@code reason}): closed connections by reason;
 * <li>{@code http.pool.dial.duration} (timer; tags {@code key}, {@code outcome}): TCP connect, with a proxy's
 * {@code CONNECT} tunnel;
 * <li>{@code http.pool.tls.duration} (timer; tags {@code key}, {@code outcome}): TLS handshake;
 * <li>{@code http.pool.wait.duration} (timer; tag {@code key}): time a request queued at max-conns-per-host;
 * <li>{@code http.pool.rejected} (counter; tags {@code key}, {@code reason} = max-waiting | wait-timeout);
 * <li>{@code http.pool.leaks} (counter; tags {@code key}, {@code detection} = threshold | unreachable): connections
 * held past {@code leak-detection-threshold}, or closed because their response was dropped unfinished.
 * </ul>
 * Gauges are summed over the given transports. With {@code perKey}, the gauges of a key are registered when the key
 * appears in the pool and removed only once it has left it (no connection, dial or waiting request): a key still
 * in the pool never loses them. Counters and timers of a key stay registered. Without {@code perKey}, no meter
 * carries the {@code key} tag, for applications that call an unbounded number of hosts.
 *
 * <p>Counters and the timer come from the transports' events: when bound, the binder listens to every transport of
 * the given {@link HttpPoolTransports}, including those made later for another connect timeout or SSL bundle.
 */
public final class HttpPoolMeterBinder implements MeterBinder, AutoCloseable {

    private final PoolCounts counts;
    private final HttpPoolTransports transports;
    private final boolean perKey;
    private final List<PoolMeters> bound = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor reconciler;

    /**
     * @param transports the transports to publish (their list is asked again at each reading: transports may be
     *     added later)
     * @param perKey whether meters carry the {@code key} tag
     */
    public HttpPoolMeterBinder(HttpPoolTransports transports, boolean perKey) {
        this.transports = Objects.requireNonNull(transports, "transports");
        this.counts = new PoolCounts(transports::all);
        this.perKey = perKey;
        // One short-lived daemon thread, only while gauges need registering or removing.
        this.reconciler = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (task) -> {
            Thread thread = new Thread(task, "httppool-meters");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        PoolMeters meters = new PoolMeters(registry, counts, perKey, reconciler);
        meters.start();
        bound.add(meters);
        transports.addListener(meters);
    }

    /** Stops receiving events and maintaining gauges; the meters stay registered. */
    @Override
    public void close() {
        for (PoolMeters meters : bound) {
            meters.stop();
            transports.removeListener(meters);
        }
        reconciler.shutdownNow();
    }
}
