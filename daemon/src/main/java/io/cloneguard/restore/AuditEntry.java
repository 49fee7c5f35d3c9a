package io.cloneguard.restore;

import java.time.Instant;

/**
 * One line of the audit log: a write CloneGuard is about to make or has made on an instance.
 *
 * @param table the table written, or {@code null} for plan-level entries
 * @param sysId the record written, or {@code null}
 * @param action {@code insert}, {@code patch}, {@code set_password}, or {@code restore} for the plan as a whole
 * @param outcome {@code started} (before the write), then {@code ok}, {@code failed} or {@code skipped}
 * @param detail a short, secret-free explanation (masked again when written)
 */
public record AuditEntry(
    Instant time,
    String instance,
    String table,
    String sysId,
    String action,
    String outcome,
    String snapshotId,
    String planId,
    String detail) {
  public static final String STARTED = "started";
  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";
}
