package io.cloneguard.sim;

/** How a simulated clone ends. */
public enum CloneOutcome {
  /** Requested, Scheduled, Active, Completed: the target holds the source's data plus what preservers kept. */
  COMPLETED,
  /** Requested, Scheduled, Canceled: the target is untouched. */
  CANCELED,
  /** Requested, Scheduled, Active, Error: the target comes back with its own data. */
  ERROR,
  /** Requested, Hold (with a message) until {@link CloneHandle#release()}, then as COMPLETED. */
  HOLD,
  /** As COMPLETED, then Rollback Requested, Rolling back, Rolled back: the target gets its pre-clone data back. */
  ROLLED_BACK
}
