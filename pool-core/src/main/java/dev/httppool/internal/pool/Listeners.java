package dev.httppool.internal.pool;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.LeakDetection;
import dev.httppool.RejectReason;
import dev.httppool.TransportListener;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The listeners of one transport, as one {@link TransportListener}: events go to each in the order they were
 * added. Listeners may be added and removed at any time (meter binders arrive after the transport is built). A
 * listener that throws is logged at WARN and does not stop the others, nor the request that caused the event.
 */
public final class Listeners implements TransportListener {

    private static final Logger LOG = System.getLogger("dev.httppool.pool");

    private final List<TransportListener> all = new CopyOnWriteArrayList<>();

    public void add(TransportListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (listener == this) {
            throw new IllegalArgumentException("a transport's listeners cannot include themselves");
        }
        all.add(listener);
    }

    /** Removes one registration of {@code listener}; returns whether it was registered. */
    public boolean remove(TransportListener listener) {
        return all.remove(listener);
    }

    @Override
    public void dialed(ConnectMethodKey key, boolean success, long nanos) {
        for (TransportListener l : all) {
            try {
                l.dialed(key, success, nanos);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void acquired(ConnectMethodKey key, boolean reused, long waitNanos) {
        for (TransportListener l : all) {
            try {
                l.acquired(key, reused, waitNanos);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void closed(ConnectMethodKey key, CloseReason reason) {
        for (TransportListener l : all) {
            try {
                l.closed(key, reason);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void connected(ConnectMethodKey key, boolean success, long nanos) {
        for (TransportListener l : all) {
            try {
                l.connected(key, success, nanos);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void tlsHandshake(ConnectMethodKey key, boolean success, long nanos) {
        for (TransportListener l : all) {
            try {
                l.tlsHandshake(key, success, nanos);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void waited(ConnectMethodKey key, long nanos) {
        for (TransportListener l : all) {
            try {
                l.waited(key, nanos);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void rejected(ConnectMethodKey key, RejectReason reason) {
        for (TransportListener l : all) {
            try {
                l.rejected(key, reason);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void leaked(ConnectMethodKey key, LeakDetection detection) {
        for (TransportListener l : all) {
            try {
                l.leaked(key, detection);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    private static void failed(TransportListener listener, RuntimeException e) {
        LOG.log(Level.WARNING, "TransportListener " + listener.getClass().getName() + " failed", e);
    }
}
