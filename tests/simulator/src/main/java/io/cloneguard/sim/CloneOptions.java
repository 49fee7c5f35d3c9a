package io.cloneguard.sim;

import java.time.Duration;

/**
 * How a simulated clone runs: the time each lifecycle step takes, how it ends, and whether the
 * clone falls back to the legacy engine (which cannot evaluate dot-walked preserver conditions, so
 * {@code user.roles=mid_server} preserves nothing).
 */
public record CloneOptions(Duration phaseDuration, CloneOutcome outcome, boolean legacyFallback) {
  public CloneOptions {
    if (phaseDuration == null || phaseDuration.isNegative()) {
      throw new IllegalArgumentException("CloneOptions: phaseDuration must be zero or positive, got " + phaseDuration);
    }
    if (outcome == null) {
      throw new IllegalArgumentException("CloneOptions: outcome must be given");
    }
  }

  /** 2 s per step, completes, no legacy fallback. */
  public static CloneOptions defaults() {
    return new CloneOptions(Duration.ofSeconds(2), CloneOutcome.COMPLETED, false);
  }

  public CloneOptions phaseDuration(Duration d) {
    return new CloneOptions(d, outcome, legacyFallback);
  }

  public CloneOptions outcome(CloneOutcome o) {
    return new CloneOptions(phaseDuration, o, legacyFallback);
  }

  public CloneOptions legacyFallback(boolean on) {
    return new CloneOptions(phaseDuration, outcome, on);
  }
}
