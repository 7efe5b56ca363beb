/**
 * The test fixtures of every httppool module, in one place (add {@code pool-testing} with test scope).
 *
 * <p>Servers, all on loopback with ephemeral ports, counting from the server side:
 * {@link dev.httppool.testing.TestServer} (the JDK's HttpServer: handlers per path, recorded requests, HTTPS),
 * {@link dev.httppool.testing.ScriptServer} (raw sockets: a test writes the exact bytes, resets, stalls),
 * {@link dev.httppool.testing.FaultServer} (a ScriptServer handler serving one misbehaviour per path),
 * {@link dev.httppool.testing.Tarpits} (ScriptServer handlers that stall a TLS handshake or a CONNECT answer) and
 * {@link dev.httppool.testing.TestProxy} (a forward proxy with CONNECT and Basic credentials);
 * {@link dev.httppool.testing.TestTls} makes their certificate at test time and
 * {@link dev.httppool.testing.Loopback} names a port where nothing listens.
 *
 * <p>Seams of the transport: {@link dev.httppool.testing.FakeTicker} (time moves when the test says),
 * {@link dev.httppool.testing.GatedDialer} (real dials held at latches) and
 * {@link dev.httppool.testing.RecordingListener} (listener and trace events as strings). For the pool alone,
 * without sockets: {@link dev.httppool.testing.ManualDials} and {@link dev.httppool.testing.FakeWire}, which
 * implement engine interfaces from {@code dev.httppool.internal} and so work only on the class path.
 */
package dev.httppool.testing;
