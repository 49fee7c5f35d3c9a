package io.cloneguard.servicenow;

import java.time.Duration;

/**
 * Waits between retries and for rate-limit permits. Injected so that tests record the waits
 * instead of sleeping through them.
 */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps on the calling thread. */
  Sleeper REAL = duration -> {
    if (!duration.isNegative() && !duration.isZero()) {
      Thread.sleep(duration.toMillis(), (int) (duration.toNanosPart() % 1_000_000));
    }
  };

  void sleep(Duration duration) throws InterruptedException;
}
