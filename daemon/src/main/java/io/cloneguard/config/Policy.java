package io.cloneguard.config;

/** What the daemon does when a clone left gaps on a guarded instance. */
public enum Policy {
  /** Restore the gaps without asking. */
  RESTORE,
  /** Only report the gaps (metrics, audit log); an operator runs {@code cloneguard restore}. */
  ALERT_ONLY;

  public String configName() {
    return this == RESTORE ? "restore" : "alert-only";
  }
}
