/**
 * httppool's core: Go's {@code net/http} Transport and its connection pool, depending on nothing but the JDK.
 *
 * <p>Exported: {@code dev.httppool}, the API. Everything under {@code dev.httppool.internal} is the engine and may
 * change in any release; see the README's Architecture section for who may depend on whom.
 */
module dev.httppool {
    requires jdk.net; // TCP keep-alive timing (ExtendedSocketOptions), part of every JDK

    exports dev.httppool;
}
