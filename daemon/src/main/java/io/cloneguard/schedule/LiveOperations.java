package io.cloneguard.schedule;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.servicenow.ServiceNowClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real {@link GuardOperations}. Verification and restore arrive with the restore package. */
final class LiveOperations extends SnapshotOperations {
  private static final Logger log = LoggerFactory.getLogger(LiveOperations.class);

  private LiveOperations(CloneGuardConfig config, Map<String, ServiceNowClient> clients, Clock clock) {
    super(config, clients, clock);
  }

  static GuardOperations create(CloneGuardConfig config, Map<String, ServiceNowClient> clients, MeterRegistry registry, AuditSink audit,
      DaemonOptions options) {
    return new LiveOperations(config, clients, options.clock());
  }

  static AuditSink auditSink(CloneGuardConfig config) {
    return (instance, table, sysId, action, outcome, snapshotRef, planId, detail) ->
        log.info("audit {} {} {} {}: {}", instance, action, outcome, snapshotRef, detail);
  }

  @Override
  public Verification verify(InstanceConfig instance, String snapshotRef) {
    throw new IllegalStateException("verification needs the restore package, which is not on main yet");
  }

  @Override
  public RestoreOutcome restore(InstanceConfig instance, String snapshotRef, String workflowId) {
    throw new IllegalStateException("restore needs the restore package, which is not on main yet");
  }

  @Override
  public MidOutcome checkMidServers(InstanceConfig instance, String snapshotRef) {
    throw new IllegalStateException("the MID Server check needs the restore package, which is not on main yet");
  }
}
