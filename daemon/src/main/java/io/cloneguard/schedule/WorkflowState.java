package io.cloneguard.schedule;

/**
 * The persisted states of one clone workflow. The happy path runs top to bottom; CANCELED, FAILED
 * and DONE end a workflow; ROLLED_BACK re-opens a finished one (the target got its pre-clone data
 * back) and leads to a fresh settle and verification.
 */
public enum WorkflowState {
  DETECTED,
  PRE_SNAPSHOT_TAKEN,
  CLONE_RUNNING,
  CLONE_COMPLETED,
  SETTLED,
  VERIFIED,
  RESTORED,
  ALERTED,
  MIDS_UP,
  DONE,
  CANCELED,
  FAILED,
  ROLLED_BACK;

  /** Nothing more will happen unless the clone request is rolled back. */
  public boolean terminal() {
    return this == DONE || this == CANCELED || this == FAILED;
  }

  /** The clone has finished copying, so the target must settle and be verified. */
  boolean awaitsSettle() {
    return this == CLONE_COMPLETED || this == ROLLED_BACK;
  }

  /** The metric label: lower case, as Prometheus labels usually are. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
