package dev.httppool.internal.pool;

import dev.httppool.ConnectMethodKey;
import dev.httppool.HostOverride;
import dev.httppool.TransportConfig;
import dev.httppool.internal.net.HostPattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which {@link ConnLimits} a key lives under: those of the first {@link TransportConfig#hosts()} entry whose match
 * its target matches ({@link HostPattern}, the one home of that rule), else the global ones. One {@link ConnLimits}
 * is built per entry, once; a key is matched when its {@link HostPool} is made, and the answer is remembered, so a
 * key whose entry was dropped while unused is not matched again. Requests never match: they find the limits on
 * their key's {@link HostPool}.
 */
final class HostLimits {

    /** Keys whose limits are remembered; past this the memory starts over (an application calling unboundedly
     *  many hosts matches each again, which is cheap). */
    private static final int MAX_REMEMBERED = 1024;

    final ConnLimits global;
    private final HostPattern[] patterns;
    private final ConnLimits[] entries;
    /** Whether some key may have a connection lifetime (globally or in an entry). */
    final boolean anyLifetime;
    /** Whether some key may have the auto idle cap. */
    final boolean anyAutoIdleCap;
    /** Whether every key has the global idle timeout (then the idle LRU is in expiry order). */
    final boolean oneIdleTimeout;
    // Guarded by the pool's lock
    private final Map<ConnectMethodKey, ConnLimits> remembered = new HashMap<>();

    HostLimits(TransportConfig config) {
        this.global = new ConnLimits(config);
        List<HostOverride> hosts = config.hosts();
        this.patterns = new HostPattern[hosts.size()];
        this.entries = new ConnLimits[hosts.size()];
        boolean lifetime = global.hasLifetime;
        boolean auto = global.autoIdleCap();
        boolean oneTimeout = true;
        for (int i = 0; i < entries.length; i++) {
            patterns[i] = HostPattern.parse(hosts.get(i).match());
            entries[i] = new ConnLimits(config, hosts.get(i));
            lifetime |= entries[i].hasLifetime;
            auto |= entries[i].autoIdleCap();
            oneTimeout &= entries[i].idleTimeoutNanos == global.idleTimeoutNanos;
        }
        this.anyLifetime = lifetime;
        this.anyAutoIdleCap = auto;
        this.oneIdleTimeout = oneTimeout;
    }

    /** The limits of {@code key}: matched the first time it is asked for, then remembered. */
    ConnLimits forKeyLocked(ConnectMethodKey key) {
        if (entries.length == 0) {
            return global;
        }
        ConnLimits limits = remembered.get(key);
        if (limits == null) {
            limits = match(key);
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(key, limits);
        }
        return limits;
    }

    /**
     * The limits of the first entry whose match the key's target matches, else the global ones. A key for plain
     * http behind a proxy names no target (one key serves them all) and matches nothing.
     */
    ConnLimits match(ConnectMethodKey key) {
        if (key.address().isEmpty()) {
            return global;
        }
        String host = key.host();
        int port = key.port();
        for (int i = 0; i < patterns.length; i++) {
            if (patterns[i].matches(key.scheme(), host, port)) {
                return entries[i];
            }
        }
        return global;
    }

    /** The entries with a {@code minIdle}, with their base URLs ({@link HostPattern#baseUrl()}), in order. */
    List<ConnLimits> warmEntries() {
        List<ConnLimits> warm = new ArrayList<>();
        for (ConnLimits e : entries) {
            if (e.minIdle > 0) {
                warm.add(e);
            }
        }
        return warm;
    }
}
