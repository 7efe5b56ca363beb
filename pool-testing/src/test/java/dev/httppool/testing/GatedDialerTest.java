package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GatedDialerTest {

    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aGatedDialWaitsAtItsGateThenConnects() throws Exception {
        try (ScriptServer server = ScriptServer.start(conn -> conn.awaitPeerClose(DIAL_TIMEOUT))) {
            GatedDialer dialer = new GatedDialer();
            CountDownLatch gate = dialer.gate(1);
            CompletableFuture<SocketChannel> dial = CompletableFuture.supplyAsync(() -> {
                try {
                    return dialer.dial("127.0.0.1", server.port(), DIAL_TIMEOUT);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Async.THREADS);

            assertThat(dialer.entered(1).await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(dialer.started()).isEqualTo(1);
            assertThat(dialer.finished()).isZero();
            assertThat(server.acceptedCount()).isZero();

            gate.countDown();
            try (SocketChannel channel = dial.get(5, TimeUnit.SECONDS)) {
                assertThat(channel.isConnected()).isTrue();
                assertThat(dialer.channels).containsExactly(channel);
                assertThat(dialer.finished()).isEqualTo(1);
                assertThat(server.awaitAccepted(1, DIAL_TIMEOUT)).isTrue();
            }
        }
    }

    @Test
    void aDialMarkedToFailIsRefusedWithoutConnecting() throws Exception {
        try (ScriptServer server = ScriptServer.start(conn -> conn.awaitPeerClose(DIAL_TIMEOUT))) {
            GatedDialer dialer = new GatedDialer();
            dialer.fail(1);

            assertThatThrownBy(() -> dialer.dial("127.0.0.1", server.port(), DIAL_TIMEOUT))
                    .isInstanceOf(ConnectException.class).hasMessage("test dialer: dial 1 refused");
            try (SocketChannel second = dialer.dial("127.0.0.1", server.port(), DIAL_TIMEOUT)) {
                assertThat(second.isConnected()).isTrue();
            }
            assertThat(dialer.started()).isEqualTo(2);
            assertThat(dialer.finished()).isEqualTo(2);
            assertThat(server.awaitAccepted(1, DIAL_TIMEOUT)).isTrue();
            assertThat(server.acceptedCount()).isEqualTo(1);
        }
    }
}
