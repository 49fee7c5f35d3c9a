package io.cloneguard.restore;

/**
 * What happened to one step of a plan.
 *
 * @param outcome {@code ok} (written), {@code skipped} (already as the snapshot has it, nothing written),
 *     {@code failed}, {@code blocked} (a record it needs was not restored) or {@code not_attempted}
 *     (the run stopped first: instance gone, interrupted)
 */
public record StepOutcome(RestoreStep step, String outcome, String detail) {
  public static final String OK = "ok";
  public static final String SKIPPED = "skipped";
  public static final String FAILED = "failed";
  public static final String BLOCKED = "blocked";
  public static final String NOT_ATTEMPTED = "not_attempted";
}
