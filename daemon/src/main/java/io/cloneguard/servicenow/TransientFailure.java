package io.cloneguard.servicenow;

import java.time.Duration;

/**
 * One attempt failed in a way a later attempt may not: connection error, timeout, 429, 502, 503,
 * 504 or the maintenance page. Internal to the client: callers only ever see {@link #failure()},
 * thrown once the retries are used up or the call may not be repeated.
 *
 * @param reason metrics label for the retry counter (unreachable, rate_limited, unavailable, server_error)
 * @param notProcessed the instance certainly did not act on the request (429, connection refused), so
 *     even a non-idempotent insert may be sent again
 * @param retryAfter the server's Retry-After, or null
 * @param breakerFailure counts towards opening the circuit breaker (a 429 proves the instance is alive)
 */
final class TransientFailure extends RuntimeException {
  private final ServiceNowException failure;
  private final String reason;
  private final boolean notProcessed;
  private final Duration retryAfter;
  private final boolean breakerFailure;

  TransientFailure(ServiceNowException failure, String reason, boolean notProcessed, Duration retryAfter, boolean breakerFailure) {
    super(failure.getMessage(), failure, false, false);
    this.failure = failure;
    this.reason = reason;
    this.notProcessed = notProcessed;
    this.retryAfter = retryAfter;
    this.breakerFailure = breakerFailure;
  }

  ServiceNowException failure() {
    return failure;
  }

  String reason() {
    return reason;
  }

  boolean notProcessed() {
    return notProcessed;
  }

  Duration retryAfterOrNull() {
    return retryAfter;
  }

  boolean breakerFailure() {
    return breakerFailure;
  }
}
