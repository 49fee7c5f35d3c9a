package io.cloneguard.schedule;

/** Where workflow transitions are recorded for auditors (the restore package's audit log in production). */
public interface AuditSink extends AutoCloseable {
  /** @param outcome ok, failed, waiting */
  void record(String instance, String table, String sysId, String action, String outcome, String snapshotRef, String planId, String detail);

  @Override
  default void close() {}

  AuditSink NONE = (instance, table, sysId, action, outcome, snapshotRef, planId, detail) -> {};
}
