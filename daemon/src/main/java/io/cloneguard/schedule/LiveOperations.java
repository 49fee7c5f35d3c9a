package io.cloneguard.schedule;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.restore.AuditEntry;
import io.cloneguard.restore.AuditLog;
import io.cloneguard.restore.DiffReport;
import io.cloneguard.restore.MidReport;
import io.cloneguard.restore.MidServerCheck;
import io.cloneguard.restore.Differ;
import io.cloneguard.restore.PasswordEscrow;
import io.cloneguard.restore.RestoreExecutor;
import io.cloneguard.restore.RestorePlan;
import io.cloneguard.restore.RestorePlanner;
import io.cloneguard.restore.RestoreResult;
import io.cloneguard.restore.TableDiff;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.Sleeper;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotTables;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The real {@link GuardOperations}: SnapshotCapture/SnapshotStore, Differ, RestorePlanner/RestoreExecutor, ecc_agent reads. */
final class LiveOperations extends SnapshotOperations {
  private final Map<String, ServiceNowClient> clients;
  private final AuditLog auditLog;
  private final RestoreExecutor executor;
  private final RestorePlanner planner;
  private final java.nio.file.Path storageDir;
  private PasswordEscrow escrow;

  private LiveOperations(CloneGuardConfig config, Map<String, ServiceNowClient> clients, MeterRegistry registry, AuditLog auditLog, Clock clock) {
    super(config, clients, clock);
    this.clients = clients;
    this.auditLog = auditLog;
    this.executor = new RestoreExecutor(auditLog, registry, clock, config.http().concurrency());
    this.planner = new RestorePlanner(clock, auditLog);
    this.storageDir = config.storage().dir();
  }

  static GuardOperations create(CloneGuardConfig config, Map<String, ServiceNowClient> clients, MeterRegistry registry, AuditSink audit,
      DaemonOptions options) {
    return new LiveOperations(config, clients, registry, auditLogOf(audit, config), options.clock());
  }

  /** The daemon's audit sink: transitions go to the same audit.jsonl as restore writes. */
  static AuditSink auditSink(CloneGuardConfig config) {
    return new AuditLogSink(new AuditLog(config.storage().dir().resolve("audit.jsonl")), Clock.systemUTC());
  }

  private static AuditLog auditLogOf(AuditSink audit, CloneGuardConfig config) {
    return audit instanceof AuditLogSink s ? s.log : new AuditLog(config.storage().dir().resolve("audit.jsonl"));
  }

  /** Adapts workflow transitions to audit entries. */
  record AuditLogSink(AuditLog log, Clock clock) implements AuditSink {
    @Override
    public void record(String instance, String table, String sysId, String action, String outcome, String snapshotRef, String planId,
        String detail) {
      String id = snapshotRef == null ? null : snapshotRef.substring(snapshotRef.indexOf('/') + 1);
      log.append(new AuditEntry(clock.instant(), instance, table, sysId, action, outcome, id, planId, detail));
    }

    @Override
    public void close() {
      log.close();
    }
  }

  /** Opened on first use, like the key, so a missing key file fails a step (and preflight), not the start. */
  private synchronized PasswordEscrow escrow() {
    if (escrow == null) {
      escrow = new PasswordEscrow(storageDir, key());
    }
    return escrow;
  }

  @Override
  public Verification verify(InstanceConfig instance, String snapshotRef) {
    Snapshot s = store().load(snapshotRef);
    DiffReport d = new Differ(instance.midRoles()).diff(s, client(instance.name()));
    Map<String, Integer> perTable = new LinkedHashMap<>();
    for (String t : List.of(SnapshotTables.GROUPS, SnapshotTables.USERS, SnapshotTables.ROLE_GRANTS, SnapshotTables.MEMBERSHIPS)) {
      perTable.put(t, d.gapCount(t));
    }
    int gaps = d.tables().stream().mapToInt(TableDiff::gapCount).sum();
    return new Verification(gaps, perTable, d.verdict());
  }

  @Override
  public RestoreOutcome restore(InstanceConfig instance, String snapshotRef, String workflowId) {
    Snapshot s = store().load(snapshotRef);
    ServiceNowClient c = client(instance.name());
    DiffReport d = new Differ(instance.midRoles()).diff(s, c);
    RestorePlan plan = planner.plan(s, d, Set.of(), escrow());
    if (plan.isEmpty()) {
      return new RestoreOutcome(plan.id(), 0, 0, List.of(), plan.notes());
    }
    RestoreResult r = executor.execute(plan, c, escrow());
    List<String> warnings = new ArrayList<>(plan.notes());
    warnings.addAll(r.warnings());
    return new RestoreOutcome(r.planId(), r.written(), r.skipped(), r.failures(), warnings);
  }

  /** One look (timeout zero): the workflow comes back every midCheckInterval instead of blocking a scheduler thread. */
  @Override
  public MidOutcome checkMidServers(InstanceConfig instance, String snapshotRef) {
    Snapshot s = store().load(snapshotRef);
    MidReport r = new MidServerCheck(clock(), Sleeper.REAL, escrow(), instance.midRoles())
        .await(s, client(instance.name()), Duration.ZERO, Duration.ZERO);
    List<String> notUp = r.down().stream()
        .map(m -> m.name() + " (" + m.status() + (m.cause() == null || m.cause().isBlank() ? "" : ": " + m.cause()) + ")").toList();
    return new MidOutcome(r.agents().size() - notUp.size(), notUp.size(), notUp);
  }
}
