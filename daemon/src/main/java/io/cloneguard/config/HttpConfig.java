package io.cloneguard.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * HTTP client settings shared by every instance.
 *
 * @param concurrency parallel requests per instance (also the Bulkhead size)
 * @param pageSize rows per Table API page
 * @param maxRetries attempts after the first for idempotent calls
 * @param maxRetryAfter cap on a server-sent Retry-After
 * @param proxy HTTP proxy, or null
 * @param trustStore extra PKCS12 trust store for a corporate CA, or null; the JDK's CAs stay trusted
 */
public record HttpConfig(
    int concurrency,
    int pageSize,
    Duration connectTimeout,
    Duration requestTimeout,
    double maxRequestsPerSecond,
    URI proxy,
    Path trustStore,
    Secret trustStorePassword,
    int maxRetries,
    Duration maxRetryAfter) {}
