package dev.httppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.httppool.testing.Async;
import dev.httppool.testing.ScriptServer;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request body that throws an {@link Error} fails its request with that error, whether it is written on the
 * caller's thread or, being large or of unknown length, in the background while the response is watched for.
 */
@Timeout(30)
class TransportBodyWriterErrorTest extends TransportTestSupport {

    @ParameterizedTest(name = "declared length {0}")
    @ValueSource(longs = {10, -1, 1024 * 1024})
    void aBodyThatThrowsAnErrorFailsTheRequestWithItAndClosesTheConnection(long length) throws Exception {
        ScriptServer server = server(ScriptServer.keepAlive(request -> "ok"));
        Transport transport = transport(TransportConfig.defaults());
        RequestBody broken = new RequestBody() {
            @Override
            public long contentLength() {
                return length;
            }

            @Override
            public boolean isReplayable() {
                return true;
            }

            @Override
            public void writeTo(OutputStream out) {
                throw new AssertionError("body bug");
            }
        };
        CompletableFuture<Response> call = CompletableFuture.supplyAsync(() -> {
            try {
                return transport.roundTrip(Request.builder(server.url("/")).post(broken).build());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Async.THREADS);

        Throwable thrown = catchThrowable(() -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));

        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(AssertionError.class).hasMessage("body bug");
        assertThat(transport.snapshot().totals().connections()).isZero();
    }
}
