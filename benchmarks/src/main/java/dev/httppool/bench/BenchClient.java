package dev.httppool.bench;

/** One client under test, shared by all load threads; {@link #call} sends one GET and consumes the body. */
@SuppressWarnings("try")
interface BenchClient extends AutoCloseable {

    /**
     * Sends the request and reads the whole response body.
     *
     * @param slot the calling load thread's index, 0 to concurrency-1 (the raw client keeps a socket per slot)
     * @param scratch a per-thread buffer the body may be read into
     * @throws Exception on any failure, including a status other than 200
     */
    void call(int slot, byte[] scratch) throws Exception;

    @Override
    void close() throws Exception;
}
