package dev.httppool.spring;

import dev.httppool.CloseReason;
import dev.httppool.ConnectMethodKey;
import dev.httppool.TransportListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A {@link TransportListener} whose receivers can be added after the transport was built. A {@code Transport}'s
 * listener is fixed when it is built, while meter binders and other observers arrive later in the application's
 * life; the auto-configured transports are built with this listener, and observers {@link #add} themselves to it.
 *
 * <p>Events are forwarded in the order receivers were added. A receiver that throws is logged and does not stop
 * the others, nor the request that caused the event.
 */
public final class ForwardingTransportListener implements TransportListener {

    private static final Log logger = LogFactory.getLog(ForwardingTransportListener.class);

    private final List<TransportListener> receivers = new CopyOnWriteArrayList<>();

    /** Starts forwarding events to {@code receiver}. */
    public void add(TransportListener receiver) {
        Objects.requireNonNull(receiver, "receiver");
        if (receiver == this) {
            throw new IllegalArgumentException("a ForwardingTransportListener cannot forward to itself");
        }
        receivers.add(receiver);
    }

    /** Stops forwarding events to {@code receiver}. */
    public void remove(TransportListener receiver) {
        receivers.remove(receiver);
    }

    @Override
    public void dialed(ConnectMethodKey key, boolean success, long nanos) {
        for (TransportListener receiver : receivers) {
            try {
                receiver.dialed(key, success, nanos);
            } catch (RuntimeException ex) {
                failed(receiver, ex);
            }
        }
    }

    @Override
    public void acquired(ConnectMethodKey key, boolean reused, long waitNanos) {
        for (TransportListener receiver : receivers) {
            try {
                receiver.acquired(key, reused, waitNanos);
            } catch (RuntimeException ex) {
                failed(receiver, ex);
            }
        }
    }

    @Override
    public void closed(ConnectMethodKey key, CloseReason reason) {
        for (TransportListener receiver : receivers) {
            try {
                receiver.closed(key, reason);
            } catch (RuntimeException ex) {
                failed(receiver, ex);
            }
        }
    }

    private static void failed(TransportListener receiver, RuntimeException ex) {
        logger.warn("TransportListener " + receiver.getClass().getName() + " failed", ex);
    }
}
