package io.cloneguard.sim;

import java.time.Duration;

/**
 * How a simulated clone runs: the time each lifecycle step takes, how it ends, and whether the
 * clone falls back to the legacy engine (which cannot evaluate dot-walked preserver conditions, so
 * {@code user.roles=mid_server} preserves nothing).
 */
public record CloneOptions(Duration phaseDuration, Duration activeDuration, CloneOutcome outcome, boolean legacyFallback) {
  public CloneOptions {
    if (phaseDuration == null || phaseDuration.isNegative()) {
      throw new IllegalArgumentException("CloneOptions: phaseDuration must be zero or positive, got " + phaseDuration);
    }
    if (activeDuration != null && activeDuration.isNegative()) {
      throw new IllegalArgumentException("CloneOptions: activeDuration must be zero or positive, got " + activeDuration);
    }
    if (outcome == null) {
      throw new IllegalArgumentException("CloneOptions: outcome must be given");
    }
  }

  /** 2 s per step, completes, no legacy fallback. */
  public static CloneOptions defaults() {
    return new CloneOptions(Duration.ofSeconds(2), null, CloneOutcome.COMPLETED, false);
  }

  /** How long each lifecycle step takes. */
  public CloneOptions phaseDuration(Duration d) {
    return new CloneOptions(d, activeDuration, outcome, legacyFallback);
  }

  /** How long the Active step (target in maintenance) takes; default the phase duration. */
  public CloneOptions activeDuration(Duration d) {
    return new CloneOptions(phaseDuration, d, outcome, legacyFallback);
  }

  /** How long Active lasts. */
  public Duration activeStep() {
    return activeDuration == null ? phaseDuration : activeDuration;
  }

  public CloneOptions outcome(CloneOutcome o) {
    return new CloneOptions(phaseDuration, activeDuration, o, legacyFallback);
  }

  public CloneOptions legacyFallback(boolean on) {
    return new CloneOptions(phaseDuration, activeDuration, outcome, on);
  }
}
