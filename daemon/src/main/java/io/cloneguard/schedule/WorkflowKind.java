package io.cloneguard.schedule;

/** How CloneGuard learnt about a clone. */
public enum WorkflowKind {
  /** A clone request on a watched source instance named the target. */
  ANNOUNCED,
  /** The drift check saw the target's MID user count drop below its snapshot: a clone nobody announced. */
  UNANNOUNCED
}
