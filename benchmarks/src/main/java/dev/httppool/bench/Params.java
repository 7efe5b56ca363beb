package dev.httppool.bench;

import java.net.URI;

/**
 * What one trial runs: a client at a concurrency against a URL, after a warm-up.
 *
 * @param maxIdlePerHost the per-host idle cap (clients that have one); normally {@code concurrency}
 * @param maxConnsPerHost the per-host connection cap; 0 = unlimited
 */
record Params(String client, URI url, int concurrency, int requests, long warmupRoundMillis, int minWarmupRounds,
        int maxWarmupRounds, int maxIdlePerHost, int maxConnsPerHost) {

    static Params steady(String client, URI url, int c, int n, long roundMillis, int minRounds, int maxRounds) {
        return new Params(client, url, c, n, roundMillis, minRounds, maxRounds, c, c);
    }

    /** Go's DefaultTransport idle cap of 2 per host and no connection cap: churns at high concurrency. */
    Params churn() {
        return new Params(client, url, concurrency, requests, warmupRoundMillis, minWarmupRounds, maxWarmupRounds, 2, 0);
    }

    /** The whole-pool idle cap, so it never binds before the per-host one. */
    int maxIdleTotal() {
        return Math.max(100, concurrency);
    }
}
