package io.cloneguard.schedule;

import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.SecretMask;
import io.cloneguard.metrics.CloneGuardMetrics;
import io.cloneguard.schedule.GuardOperations.SnapshotRef;
import io.cloneguard.servicenow.ServiceNowException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-poll work for one guarded instance: one Aggregate count of its MID users (which is also
 * the health probe that settles a finished clone and the drift check that catches unannounced
 * clones), then advancing its workflows.
 */
final class InstanceGuard {
  private static final Logger log = LoggerFactory.getLogger(InstanceGuard.class);

  /** What the last poll of an instance found; read by /status and the readiness probe. */
  record PollState(boolean up, Instant lastSuccess, long present, long expected, String problem, boolean authFailed) {}

  private final WorkflowStore store;
  private final GuardOperations ops;
  private final WorkflowEngine engine;
  private final CloneGuardMetrics metrics;
  private final AuditSink audit;
  private final String node;
  private final Clock clock;
  private final Map<String, PollState> polls = new ConcurrentHashMap<>();
  /** The present count that started the last drift workflow, so one drop opens one workflow. */
  private final Map<String, Long> driftHandled = new ConcurrentHashMap<>();

  InstanceGuard(WorkflowStore store, GuardOperations ops, WorkflowEngine engine, CloneGuardMetrics metrics, AuditSink audit, String node, Clock clock) {
    this.store = store;
    this.ops = ops;
    this.engine = engine;
    this.metrics = metrics;
    this.audit = audit;
    this.node = node;
    this.clock = clock;
  }

  void tick(InstanceConfig target) {
    boolean healthy = probe(target);
    engine.tick(target, healthy);
  }

  Optional<PollState> pollState(String instance) {
    return Optional.ofNullable(polls.get(instance));
  }

  /** Records that a poll of a watched instance succeeded or failed, for status and readiness. */
  void recordWatchPoll(String instance, boolean ok, String problem) {
    PollState prev = polls.get(instance);
    Instant last = ok ? clock.instant() : prev == null ? null : prev.lastSuccess();
    long present = prev == null ? -1 : prev.present();
    long expected = prev == null ? -1 : prev.expected();
    polls.put(instance, new PollState(ok, last, present, expected, ok ? null : problem, prev != null && prev.authFailed()));
  }

  private boolean probe(InstanceConfig target) {
    String name = target.name();
    PollState prev = polls.get(name);
    try {
      long present = ops.countMidUsers(target);
      Instant now = clock.instant();
      long expected = ops.latestSnapshot(name).map(SnapshotRef::midUsers).map(Integer::longValue).orElse(-1L);
      metrics.instanceUp(name, true);
      metrics.pollSucceeded(name, now);
      metrics.midUsers(name, expected, present);
      metrics.preflightWarning(name, "credentials", false);
      if (prev != null && !prev.up()) {
        log.info("{}: answering again ({} MID users)", name, present);
      }
      polls.put(name, new PollState(true, now, present, expected, null, false));
      drift(target, present, expected);
      return true;
    } catch (ServiceNowException.AuthenticationFailed e) {
      metrics.instanceUp(name, false);
      metrics.preflightWarning(name, "credentials", true);
      if (prev == null || !prev.authFailed()) {
        log.error("{}: CloneGuard's own account ({}) is no longer accepted (401). If a clone just ran, the account was wiped with the "
                + "target's users: recreate it (same user name, password from the configuration), and add it to the source's sys_user "
                + "Clone Data Preserver so the next clone keeps it (see 'cloneguard preflight {}'). Workflows of {} wait until then.",
            name, target.auth().username(), name, name);
      }
      polls.put(name, new PollState(false, prev == null ? null : prev.lastSuccess(), prev == null ? -1 : prev.present(),
          prev == null ? -1 : prev.expected(), "authentication failed (401)", true));
      return false;
    } catch (ServiceNowException e) {
      metrics.instanceUp(name, false);
      String problem = SecretMask.mask(e.getMessage());
      if (prev == null || prev.up()) {
        log.warn("{}: not answering normally: {}", name, problem);
      } else {
        log.debug("{}: still not answering: {}", name, problem);
      }
      polls.put(name, new PollState(false, prev == null ? null : prev.lastSuccess(), prev == null ? -1 : prev.present(),
          prev == null ? -1 : prev.expected(), problem, false));
      return false;
    }
  }

  private void drift(InstanceConfig target, long present, long expected) {
    String name = target.name();
    if (expected <= 0 || present >= expected) {
      driftHandled.remove(name);
      return;
    }
    if (Long.valueOf(present).equals(driftHandled.get(name)) || !store.unfinished(name).isEmpty()) {
      return;
    }
    Optional<SnapshotRef> snapshot = ops.latestSnapshot(name);
    if (snapshot.isEmpty()) {
      return;
    }
    List<Workflow> history = store.all(name);
    if (!history.isEmpty() && history.get(0).state() == WorkflowState.FAILED && history.get(0).gaps() > 0
        && !history.get(0).updated().isBefore(snapshot.get().takenAt())) {
      // The newest workflow already reported these gaps and could not close them (alert-only, restore failed): no second alarm.
      driftHandled.put(name, present);
      return;
    }
    Instant now = clock.instant();
    String id = "drift:" + name + ":" + now.toEpochMilli();
    String detail = "MID users dropped to " + present + " (snapshot " + snapshot.get().ref() + " has " + expected
        + ") without an announced clone; verifying against that snapshot";
    Workflow w = new Workflow(id, name, null, null, WorkflowKind.UNANNOUNCED, WorkflowState.CLONE_COMPLETED, null, null, snapshot.get().ref(),
        false, false, 0, -1, 0, null, detail, now, now, now, node, 0);
    if (store.insertIfAbsent(w, detail)) {
      driftHandled.put(name, present);
      log.warn("{}: unannounced clone suspected: {}", name, detail);
      metrics.cloneDetected(name);
      metrics.transition(name, WorkflowState.CLONE_COMPLETED.label());
      audit.record(name, "sys_user", null, "workflow:clone_completed", "ok", snapshot.get().ref(), null, "drift: " + detail);
    }
  }
}
