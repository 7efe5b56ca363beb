package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httppool.testing.Async;
import dev.httppool.testing.FakeTicker;
import dev.httppool.testing.GatedDialer;
import dev.httppool.testing.ScriptServer;
import dev.httppool.testing.TestTls;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 item 12: a TLS 1.3 server sends its session tickets (NewSessionTicket) after the handshake. A
 * connection parked before its first request (a dial that lost the race to a returned connection) holds them
 * unread; they are TLS records, not an answer, and must not make the idle probe discard the connection.
 */
@Timeout(60)
class TlsSessionTicketTest extends TransportTestSupport {

    /** Handshakes the server finished; the JDK server has sent its TLS 1.3 session ticket by then. */
    private final Semaphore handshakes = new Semaphore(0);
    private volatile String protocol;

    private ScriptServer ticketServer(long handshakeDelayNanos) {
        ScriptServer.Handler answer = ScriptServer.keepAlive(request -> "ok " + request.target());
        return closeLater(ScriptServer.startTls(conn -> {
            LockSupport.parkNanos(handshakeDelayNanos); // a network's round trip, so that dials take a while
            SSLSocket socket = (SSLSocket) conn.socket();
            socket.startHandshake();
            protocol = socket.getSession().getProtocol();
            handshakes.release();
            answer.handle(conn);
        }, TestTls.get().serverContext()));
    }

    @Test
    void aTlsConnectionParkedBeforeItsFirstRequestIsReusedAlthoughItsSessionTicketIsUnread() throws Exception {
        ScriptServer server = ticketServer(0);
        FakeTicker ticker = new FakeTicker();
        GatedDialer dialer = gatedDialer();
        dialer.gate(2);
        Transport transport = transport(Transport.builder().dialer(dialer).ticker(ticker)
                .sslContext(TestTls.get().clientContext()).config(TransportConfig.defaults()));

        Response first = transport.roundTrip(Request.get(server.url("/first")));
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
            try {
                return get(transport, server.url("/second"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Async.THREADS);
        await(dialer.entered(2), "the second request's dial");
        assertThat(readToEof(first)).isEqualTo("ok /first"); // its connection serves the second request
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("ok /second");
        dialer.gate(2).countDown();
        awaitTrue("the second dial parked", () -> transport.snapshot().totals().idle() == 2);
        assertThat(handshakes.tryAcquire(2, 5, TimeUnit.SECONDS)).as("both handshakes done").isTrue();
        assertThat(protocol).isEqualTo("TLSv1.3");
        ticker.advance(10); // older than the probe threshold: checkout probes both

        assertThat(get(transport, server.url("/third"))).isEqualTo("ok /third");
        assertThat(get(transport, server.url("/fourth"))).isEqualTo("ok /fourth");

        assertThat(connectionIds(server)).containsExactly(1, 1, 2, 2);
        assertThat(closed(transport, CloseReason.SERVER_CLOSED)).isZero();
        assertThat(server.acceptedCount()).isEqualTo(2);
    }

    @Test
    void fourClientsSendingFourHundredGetsInRoundsOpenAtMostSixTlsConnections() throws Exception {
        int clients = 4;
        int rounds = 100;
        ScriptServer server = ticketServer(TimeUnit.MILLISECONDS.toNanos(2));
        FakeTicker ticker = new FakeTicker();
        // As the clients compared in the issue: keep as many idle connections as there are clients.
        Transport transport = transport(Transport.builder().ticker(ticker).sslContext(TestTls.get().clientContext())
                .config(TransportConfig.builder().maxIdleConnsPerHost(clients).build()));
        // Each round the four clients send one GET together. A dial outrun by a connection another client
        // returned is parked with its session ticket unread. Between rounds the dials finish and every idle
        // connection grows older than the probe threshold, so the next round's checkouts probe them all.
        CyclicBarrier round = new CyclicBarrier(clients, () -> {
            awaitTrue("the round's dials done", () -> transport.snapshot().totals().dialing() == 0);
            ticker.advance(10);
        });
        // One connection first: in the first round it serves the four requests in turn while their own dials
        // (each handshake a few ms) are still under way, so those dials are parked.
        assertThat(get(transport, server.url("/first"))).isEqualTo("ok /first");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        round.await(10, TimeUnit.SECONDS);
                        String path = "/c" + client + "-" + i;
                        assertThat(get(transport, server.url(path))).isEqualTo("ok " + path);
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(server.requests()).hasSize(1 + clients * rounds);
        assertThat(server.acceptedCount()).as("TLS connections opened for 401 GETs; %s",
                transport.snapshot().stats()).isLessThanOrEqualTo(clients + 2);
        // At most one: a ticket arriving between the probe's FIONREAD (nothing waiting) and its raw non-blocking
        // read is taken raw and counts as the server speaking (Java has no MSG_PEEK below TLS). Seen once in about
        // ten CI runs; the bound on connections opened above still holds with it.
        assertThat(closed(transport, CloseReason.SERVER_CLOSED)).isLessThanOrEqualTo(1);
    }
}
