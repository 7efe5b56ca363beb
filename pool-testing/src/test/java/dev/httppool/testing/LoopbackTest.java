package dev.httppool.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class LoopbackTest {

    @Test
    void aConnectionToTheClosedPortIsRefused() {
        int port = Loopback.closedPort();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }
}
