/**
 * httppool's core: Go's {@code net/http} Transport and its connection pool, depending on nothing but the JDK.
 *
 * <p>Exported: {@code dev.httppool}, the API, and {@code dev.httppool.client}, Go's {@code http.Client} rules
 * (redirects) on top of it. Everything under {@code dev.httppool.internal} is the engine and may
 * change in any release; see the README's Architecture section for who may depend on whom.
 */
module dev.httppool {
    requires jdk.net; // TCP keep-alive timing (ExtendedSocketOptions), part of every JDK

    exports dev.httppool;
    exports dev.httppool.client;
}
