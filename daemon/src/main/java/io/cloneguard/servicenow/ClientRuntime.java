package io.cloneguard.servicenow;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The time sources and resilience tuning a client runs with. Production uses {@link #system()};
 * tests inject a fake clock and sleeper so no retry, back-off or rate-limit wait really happens.
 *
 * @param sleeper waits between retries and for rate-limit permits
 * @param clock wall clock for OAuth token expiry and the circuit breaker's open period
 * @param nanoTime monotonic time for the rate limiter and request timers
 * @param initialBackoff first retry wait; doubles per attempt, randomised by +-50 %
 * @param maxBackoff cap on one computed back-off wait
 * @param breakerWindow calls the circuit breaker looks at
 * @param breakerMinimumCalls calls needed before the breaker may open
 * @param breakerOpenDuration how long an open breaker rejects calls before letting a probe through
 */
public record ClientRuntime(
    Sleeper sleeper,
    Clock clock,
    LongSupplier nanoTime,
    Duration initialBackoff,
    Duration maxBackoff,
    int breakerWindow,
    int breakerMinimumCalls,
    Duration breakerOpenDuration) {
  public ClientRuntime {
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(nanoTime, "nanoTime");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max (got " + initialBackoff + ", " + maxBackoff + ")");
    }
    if (breakerMinimumCalls < 1 || breakerWindow < breakerMinimumCalls) {
      throw new IllegalArgumentException("breaker needs 1 <= minimumCalls <= window (got " + breakerMinimumCalls + ", " + breakerWindow + ")");
    }
  }

  /** Real time: 500 ms first back-off up to 30 s; the breaker opens at 50 % failures of 20 calls for 30 s. */
  public static ClientRuntime system() {
    return new ClientRuntime(Sleeper.REAL, Clock.systemUTC(), System::nanoTime,
        Duration.ofMillis(500), Duration.ofSeconds(30), 20, 10, Duration.ofSeconds(30));
  }

  public ClientRuntime withTime(Sleeper sleeper, Clock clock, LongSupplier nanoTime) {
    return new ClientRuntime(sleeper, clock, nanoTime, initialBackoff, maxBackoff, breakerWindow, breakerMinimumCalls, breakerOpenDuration);
  }

  public ClientRuntime withBreaker(int window, int minimumCalls, Duration openDuration) {
    return new ClientRuntime(sleeper, clock, nanoTime, initialBackoff, maxBackoff, window, minimumCalls, openDuration);
  }
}
