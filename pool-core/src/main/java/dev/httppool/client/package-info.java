/**
 * Go's {@code http.Client} rules on top of any {@link dev.httppool.RoundTripper}: {@link dev.httppool.client.Client}
 * follows redirects as Go does. Depends only on the {@code dev.httppool} API, so it works with any transport.
 */
package dev.httppool.client;
