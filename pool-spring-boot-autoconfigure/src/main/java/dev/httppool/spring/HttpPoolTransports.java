package dev.httppool.spring;

import dev.httppool.RoundTripper;
import dev.httppool.Transport;
import dev.httppool.TransportListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.SslBundle;

/**
 * The application's pooled transports: the one shared {@link Transport} (Go's {@code DefaultTransport}) and,
 * only when some client asks for it, one more per distinct connect timeout and SSL bundle.
 *
 * <p>A {@code Transport}'s dial timeout and TLS context are fixed when it is built, while Spring Boot lets each
 * client choose its own {@code connect-timeout} and {@code ssl.bundle} (for example per HTTP service group or
 * through {@code RestClientSsl}). A client whose choice matches the shared transport's sends through
 * {@link #roundTripper(Duration, SslBundle) the shared round tripper}; every other distinct choice gets a
 * transport of its own, built once by the {@link Deriver} from the shared transport's settings, cached, and closed
 * by {@link #close()}. Such a transport pools only the connections of the clients that made the same choice, and
 * it is used directly: an application {@code RoundTripper} that wraps the shared transport does not wrap it.
 *
 * <p>Each transport has a {@link #named() name} for the views: {@code default} for the shared one; for the others
 * what differs from it, as {@code ssl-bundle=<bundle name>} and {@code connect-timeout=<duration>} (such as
 * {@code 2s} or {@code 500ms}), joined by a comma when both differ, e.g. {@code ssl-bundle=partner,connect-timeout=2s}.
 */
public final class HttpPoolTransports implements AutoCloseable {

    private final Transport shared;
    private final RoundTripper sharedRoundTripper;
    private final @Nullable SslBundle sharedSslBundle;
    private final Deriver deriver;
    private final Function<SslBundle, @Nullable String> bundleNames;
    private final ConcurrentMap<Variant, Transport> derived = new ConcurrentHashMap<>();
    private final ConcurrentMap<Variant, String> names = new ConcurrentHashMap<>();
    private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    // Guarded by listeners
    private int unnamedBundles;

    /**
     * @param shared the shared transport
     * @param sharedRoundTripper what requests for the shared transport go through: the transport itself or an
     *     application wrapper around it
     * @param sharedSslBundle the SSL bundle the shared transport was built with, or null for the JVM default
     * @param deriver builds the transport for another connect timeout or SSL bundle
     */
    public HttpPoolTransports(Transport shared, RoundTripper sharedRoundTripper, @Nullable SslBundle sharedSslBundle,
            Deriver deriver) {
        this(shared, sharedRoundTripper, sharedSslBundle, deriver, (bundle) -> null);
    }

    /**
     * @param bundleNames the name of an SSL bundle (as registered under {@code spring.ssl.bundle}), or null when it
     *     has none; a bundle without a name is shown as {@code ssl-bundle=#<n>}, numbered in order of use
     */
    public HttpPoolTransports(Transport shared, RoundTripper sharedRoundTripper, @Nullable SslBundle sharedSslBundle,
            Deriver deriver, Function<SslBundle, @Nullable String> bundleNames) {
        this.bundleNames = Objects.requireNonNull(bundleNames, "bundleNames");
        this.shared = Objects.requireNonNull(shared, "shared");
        this.sharedRoundTripper = Objects.requireNonNull(sharedRoundTripper, "sharedRoundTripper");
        this.sharedSslBundle = sharedSslBundle;
        this.deriver = Objects.requireNonNull(deriver, "deriver");
    }

    /** The shared transport. */
    public Transport shared() {
        return shared;
    }

    /**
     * What a client with these settings sends through. Cheap after the first call for a given combination.
     *
     * @param connectTimeout the client's connect timeout, or null for the shared transport's dial timeout
     * @param sslBundle the client's SSL bundle, or null for the shared transport's
     */
    public RoundTripper roundTripper(@Nullable Duration connectTimeout, @Nullable SslBundle sslBundle) {
        Duration dialTimeout = connectTimeout != null ? connectTimeout : shared.config().dialTimeout();
        SslBundle bundle = sslBundle != null ? sslBundle : sharedSslBundle;
        if (dialTimeout.equals(shared.config().dialTimeout()) && Objects.equals(bundle, sharedSslBundle)) {
            return sharedRoundTripper;
        }
        if (dialTimeout.isNegative() || dialTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be > 0, was " + dialTimeout);
        }
        if (closed) {
            throw new IllegalStateException("the pooled transports are closed");
        }
        Variant variant = new Variant(dialTimeout, bundle);
        Transport transport = derived.get(variant);
        if (transport == null) {
            // Built at most once per variant; under the listeners' lock so that addListener cannot miss it.
            synchronized (listeners) {
                transport = derived.computeIfAbsent(variant, (v) -> {
                    Transport t = deriver.derive(shared, v.dialTimeout(), v.sslBundle());
                    listeners.forEach(t::addListener);
                    names.put(v, nameOf(v));
                    return t;
                });
            }
        }
        if (closed) {
            // close() ran while this one was being built: do not leave its threads behind.
            transport.close();
            throw new IllegalStateException("the pooled transports are closed");
        }
        return transport;
    }

    /** The shared transport first, then those made for other settings, in no particular order. */
    public List<Transport> all() {
        List<Transport> all = new ArrayList<>(1 + derived.size());
        all.add(shared);
        all.addAll(derived.values());
        return all;
    }

    /**
     * Every transport by its name: {@code default} (the shared one) first, then the others ordered by name.
     */
    public Map<String, Transport> named() {
        Map<String, Transport> sorted = new TreeMap<>();
        derived.forEach((variant, transport) -> sorted.put(names.getOrDefault(variant, "derived"), transport));
        Map<String, Transport> all = new LinkedHashMap<>();
        all.put("default", shared);
        all.putAll(sorted);
        return all;
    }

    /** What differs from the shared transport; called under the listeners' lock (which numbers unnamed bundles). */
    private String nameOf(Variant v) {
        List<String> parts = new ArrayList<>(2);
        if (!Objects.equals(v.sslBundle(), sharedSslBundle)) {
            String bundle = v.sslBundle() == null ? "default" : bundleNames.apply(v.sslBundle());
            parts.add("ssl-bundle=" + (bundle != null ? bundle : "#" + (++unnamedBundles)));
        }
        if (!v.dialTimeout().equals(shared.config().dialTimeout())) {
            long millis = v.dialTimeout().toMillis();
            parts.add("connect-timeout=" + (millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms"));
        }
        return String.join(",", parts);
    }

    /**
     * Sends the events of every transport, those made later included, to {@code listener} as well (for example
     * a meter binder, which arrives after the transports are built).
     */
    public void addListener(TransportListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (listeners) {
            listeners.add(listener);
            all().forEach((transport) -> transport.addListener(listener));
        }
    }

    /** Stops sending events to {@code listener}. */
    public void removeListener(TransportListener listener) {
        synchronized (listeners) {
            listeners.remove(listener);
            all().forEach((transport) -> transport.removeListener(listener));
        }
    }

    /**
     * Closes the idle connections of every transport (Go's {@code CloseIdleConnections}).
     *
     * @return how many connections were closed
     */
    public int closeIdleConnections() {
        int closedCount = 0;
        for (Transport transport : all()) {
            closedCount += transport.closeIdleConnections();
        }
        return closedCount;
    }

    /** Closes the transports made for other settings; the shared transport belongs to whoever created it. */
    @Override
    public void close() {
        closed = true;
        for (Transport transport : derived.values()) {
            transport.close();
        }
    }

    /** Builds the transport for a connect timeout or SSL bundle that differs from the shared transport's. */
    @FunctionalInterface
    public interface Deriver {

        /**
         * @param shared the shared transport, whose settings the new one should copy
         * @param dialTimeout the dial timeout to use
         * @param sslBundle the SSL bundle to use, or null for the JVM default
         */
        Transport derive(Transport shared, Duration dialTimeout, @Nullable SslBundle sslBundle);
    }

    private record Variant(Duration dialTimeout, @Nullable SslBundle sslBundle) {
    }
}
