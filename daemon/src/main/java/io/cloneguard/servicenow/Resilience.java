package io.cloneguard.servicenow;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.cloneguard.config.HttpConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resilience4j for one instance. Each HTTP attempt passes Bulkhead ({@code http.concurrency}),
 * RateLimiter ({@code http.maxRequestsPerSecond}) and CircuitBreaker; a whole call is wrapped in
 * Retry (exponential back-off with jitter, or the server's Retry-After capped by
 * {@code http.maxRetryAfter}). All waits go through the injected {@link Sleeper}.
 */
final class Resilience {
  private static final Logger LOG = LoggerFactory.getLogger(Resilience.class);

  /** Which transient failures a call may be repeated after. */
  enum Mode {
    /** Reads, patches and inserts that carry a sys_id (read back before re-sending). */
    IDEMPOTENT,
    /** Inserts without sys_id: only when the instance certainly did not act (429, connection refused). */
    NOT_PROCESSED_ONLY
  }

  private final String instance;
  private final HttpConfig http;
  private final ClientRuntime runtime;
  private final ClientMetrics metrics;
  private final Bulkhead bulkhead;
  private final RateLimiter rateLimiter;
  private final CircuitBreaker breaker;
  private final Retry retry;

  Resilience(String instance, HttpConfig http, ClientRuntime runtime, ClientMetrics metrics, MeterRegistry registry) {
    this.instance = instance;
    this.http = http;
    this.runtime = runtime;
    this.metrics = metrics;
    this.bulkhead = Bulkhead.of(instance, BulkheadConfig.custom()
        .maxConcurrentCalls(http.concurrency())
        // Waiting for a slot is normal under load (several readers); only a stuck client gives up.
        .maxWaitDuration(Duration.ofMinutes(5))
        .build());
    this.rateLimiter = http.maxRequestsPerSecond() > 0
        ? RateLimiter.of(instance, RateLimiterConfig.custom()
            // One permit per 1/rate: smooth spacing, no bursts that trip the instance's own rate-limit rules.
            .limitForPeriod(1)
            .limitRefreshPeriod(Duration.ofNanos(Math.max(1L, (long) (1_000_000_000L / http.maxRequestsPerSecond()))))
            .timeoutDuration(Duration.ofMinutes(10))
            .build(), () -> runtime.nanoTime().getAsLong())
        : null;
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindow(runtime.breakerWindow(), runtime.breakerMinimumCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(50)
        .waitDurationInOpenState(runtime.breakerOpenDuration())
        .permittedNumberOfCallsInHalfOpenState(1)
        .clock(runtime.clock())
        .build());
    this.breaker = breakers.circuitBreaker(instance);
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
    this.retry = Retry.of(instance, RetryConfig.<Object>custom()
        .maxAttempts(http.maxRetries() + 1)
        .retryOnException(e -> e instanceof TransientFailure)
        .intervalBiFunction(new Waiter())
        .failAfterMaxAttempts(false)
        .build());
  }

  CircuitBreaker.State breakerState() {
    return breaker.getState();
  }

  /** Runs {@code call}, repeating it after transient failures as {@code mode} allows. */
  <T> T retrying(String table, Mode mode, Supplier<T> call) {
    Supplier<T> attempt = () -> {
      try {
        return call.get();
      } catch (TransientFailure f) {
        if (mode == Mode.NOT_PROCESSED_ONLY && !f.notProcessed()) {
          throw f.failure();
        }
        throw f;
      }
    };
    try {
      return Retry.decorateSupplier(retry, attempt).get();
    } catch (TransientFailure f) {
      throw f.failure();
    }
  }

  /** One HTTP exchange through bulkhead, rate limiter and circuit breaker. */
  <T> T guard(String table, Supplier<T> exchange) {
    try {
      bulkhead.acquirePermission();
    } catch (BulkheadFullException e) {
      throw new ServiceNowException.Unreachable(instance, table, instance + ": " + where(table)
          + "all " + http.concurrency() + " request slots (http.concurrency) stayed busy for 5 minutes; is a call stuck?", null);
    }
    try {
      waitForRatePermit(table);
      if (!breaker.tryAcquirePermission()) {
        throw new ServiceNowException.Unreachable(instance, table, instance + ": " + where(table)
            + "not sent: the circuit breaker is open after repeated failures (instance down or in maintenance); "
            + "it lets a probe through after " + runtime.breakerOpenDuration().toSeconds() + " s", null);
      }
      long start = breaker.getCurrentTimestamp();
      try {
        T result = exchange.get();
        breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
        return result;
      } catch (TransientFailure f) {
        if (f.breakerFailure()) {
          breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), f);
        } else {
          breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
        }
        throw f;
      } catch (RuntimeException e) {
        // A definite answer (401, 403, 404, bad JSON...): the instance is alive.
        breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
        throw e;
      }
    } finally {
      bulkhead.onComplete();
    }
  }

  private void waitForRatePermit(String table) {
    if (rateLimiter == null) {
      return;
    }
    long nanos = rateLimiter.reservePermission();
    if (nanos < 0) {
      throw new ServiceNowException.RateLimited(instance, table, instance + ": " + where(table)
          + "no rate-limit permit within 10 minutes (http.maxRequestsPerSecond=" + http.maxRequestsPerSecond() + ")");
    }
    if (nanos > 0) {
      metrics.rateLimitWait();
      sleep(table, Duration.ofNanos(nanos));
    }
  }

  private void sleep(String table, Duration d) {
    try {
      runtime.sleeper().sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceNowException(instance, table, 0, instance + ": " + where(table) + "interrupted while waiting", e);
    }
  }

  private static String where(String table) {
    return table == null ? "" : table + ": ";
  }

  /**
   * Computes the wait before the next attempt and waits it through the injected sleeper, then
   * tells Resilience4j to wait 0 ms: its own sleep is a JVM-wide static that a test cannot
   * replace for one client.
   */
  private final class Waiter implements IntervalBiFunction<Object> {
    @Override
    public Long apply(Integer attempt, Either<Throwable, Object> outcome) {
      Duration wait = backoff(attempt);
      String table = null;
      if (outcome.isLeft() && outcome.getLeft() instanceof TransientFailure f) {
        table = f.failure().table();
        if (f.retryAfterOrNull() != null) {
          wait = f.retryAfterOrNull().compareTo(http.maxRetryAfter()) > 0 ? http.maxRetryAfter() : f.retryAfterOrNull();
        }
        metrics.retry(table, f.reason());
        LOG.info("{} (attempt {} of {}); retrying in {} ms", f.getMessage(), attempt, http.maxRetries() + 1, wait.toMillis());
      }
      sleep(table, wait);
      return 0L;
    }

    private Duration backoff(int attempt) {
      long initial = runtime.initialBackoff().toNanos();
      long max = runtime.maxBackoff().toNanos();
      double exp = initial * Math.pow(2, Math.max(0, attempt - 1));
      double jittered = exp * (0.5 + ThreadLocalRandom.current().nextDouble());
      return Duration.ofNanos((long) Math.min(max, jittered));
    }
  }
}
