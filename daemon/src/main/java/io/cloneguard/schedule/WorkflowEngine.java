package io.cloneguard.schedule;

import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.ScheduleConfig;
import io.cloneguard.config.SecretMask;
import io.cloneguard.metrics.CloneGuardMetrics;
import io.cloneguard.schedule.GuardOperations.MidOutcome;
import io.cloneguard.schedule.GuardOperations.RestoreOutcome;
import io.cloneguard.schedule.GuardOperations.SnapshotRef;
import io.cloneguard.schedule.GuardOperations.Verification;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.snapshot.SnapshotException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advances clone workflows, one step at a time, each step either fully done and persisted or not
 * done at all. A step that talks to an instance that does not answer leaves the workflow where it
 * is: it is retried on the next poll (the workflow waits, it does not fail). Steps that write
 * (restore) diff again first, so repeating one after a crash writes only what is still missing.
 */
final class WorkflowEngine {
  private static final Logger log = LoggerFactory.getLogger(WorkflowEngine.class);
  private static final int MAX_STEPS_PER_TICK = 12;

  private final WorkflowStore store;
  private final GuardOperations ops;
  private final CloneGuardMetrics metrics;
  private final AuditSink audit;
  private final ScheduleConfig schedule;
  private final DaemonOptions options;
  private final String cloneTable;
  private final String node;
  private final BooleanSupplier stopping;
  private final Clock clock;
  /** When each workflow's MID Servers were last looked at, to honour schedule.midCheckInterval. */
  private final Map<String, Instant> lastMidCheck = new ConcurrentHashMap<>();
  /** The reason each waiting workflow last logged, so a long wait is logged once. */
  private final Map<String, String> lastWait = new ConcurrentHashMap<>();

  WorkflowEngine(WorkflowStore store, GuardOperations ops, CloneGuardMetrics metrics, AuditSink audit, ScheduleConfig schedule,
      DaemonOptions options, String cloneTable, String node, BooleanSupplier stopping) {
    this.store = store;
    this.ops = ops;
    this.metrics = metrics;
    this.audit = audit;
    this.schedule = schedule;
    this.options = options;
    this.cloneTable = cloneTable;
    this.node = node;
    this.stopping = stopping;
    this.clock = options.clock();
  }

  /**
   * Advances every unfinished workflow of {@code target} as far as it can go now.
   *
   * @param healthy whether this poll's request to the target succeeded (counts towards settling)
   */
  void tick(InstanceConfig target, boolean healthy) {
    for (Workflow w : store.unfinished(target.name())) {
      if (stopping.getAsBoolean()) {
        return;
      }
      try {
        advance(target, w, healthy);
        lastWait.remove(w.id());
      } catch (ServiceNowException e) {
        waiting(w, "the instance did not answer normally: " + e.getMessage());
      } catch (SchedulerStoreException e) {
        throw e; // the database is gone: the job reports it
      } catch (SnapshotException.NotFound | SnapshotException.Tampered | SnapshotException.UnsupportedFormat e) {
        Workflow current = store.find(w.id()).orElse(w);
        if (!current.state().terminal()) {
          fail(current, "snapshot " + current.snapshotRef() + " cannot be used: " + e.getMessage());
        }
      } catch (RuntimeException e) {
        // Anything else (wrong key, disk full, a bug) is retried next poll; the other workflows still run.
        metrics.jobFailed("workflow");
        waiting(w, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  /** Logs why a workflow waits once per distinct reason, not every poll. */
  private void waiting(Workflow w, String reason) {
    String masked = SecretMask.mask(reason);
    if (!masked.equals(lastWait.put(w.id(), masked))) {
      log.warn("{}: workflow {} waits in {} and retries every poll: {}", w.target(), w.id(), w.state(), masked);
    }
  }

  private void advance(InstanceConfig target, Workflow start, boolean healthy) {
    Workflow w = start;
    boolean settleCounted = false;
    for (int i = 0; i < MAX_STEPS_PER_TICK && !w.state().terminal() && !stopping.getAsBoolean(); i++) {
      Workflow next;
      if (w.state().awaitsSettle()) {
        if (settleCounted) {
          return; // one healthy poll counts once
        }
        settleCounted = true;
        next = settle(w, healthy);
      } else {
        next = step(target, w);
      }
      if (next == null) {
        return; // nothing to do until something changes
      }
      w = next;
    }
  }

  /** One step; returns the stored result, or null when the workflow must wait. */
  private Workflow step(InstanceConfig target, Workflow w) {
    CloneState cs = w.parsedCloneState();
    return switch (w.state()) {
      case DETECTED -> preSnapshot(target, w, cs);
      case PRE_SNAPSHOT_TAKEN -> {
        if (cs == CloneState.CANCELED) {
          yield move(w, WorkflowState.CANCELED, w.withReason("clone request canceled before it started; nothing was copied"),
              "clone request canceled");
        }
        if (cs.started() || cs == CloneState.ERROR) {
          yield move(w, WorkflowState.CLONE_RUNNING, w, "clone request is " + w.cloneState());
        }
        yield refreshSnapshotIfDue(target, w);
      }
      case CLONE_RUNNING -> {
        if (cs == CloneState.COMPLETED || cs == CloneState.ERROR || cs == CloneState.CANCELED || cs == CloneState.ROLLED_BACK
            || cs == CloneState.ROLLBACK_FAILURE) {
          Workflow noted = cs == CloneState.COMPLETED ? w
              : w.withReason("clone request ended " + w.cloneState() + " after it started; the target is verified anyway");
          yield move(w, WorkflowState.CLONE_COMPLETED, noted, "clone request is " + w.cloneState());
        }
        yield null;
      }
      case SETTLED -> verify(target, w);
      case VERIFIED -> target.policy() == Policy.ALERT_ONLY ? alert(w) : restore(target, w);
      case RESTORED, ALERTED -> midCheck(target, w);
      case MIDS_UP -> move(w, WorkflowState.DONE, w, "MID Servers are Up");
      default -> null;
    };
  }

  private Workflow preSnapshot(InstanceConfig target, Workflow w, CloneState cs) {
    if (cs == CloneState.CANCELED) {
      return move(w, WorkflowState.CANCELED, w.withReason("clone request canceled before it started; nothing was copied"), "clone request canceled");
    }
    if (cs.started() || cs == CloneState.ERROR) {
      // The target may be half overwritten already: a snapshot now could capture the source's users.
      Optional<SnapshotRef> latest = ops.latestSnapshot(target.name());
      if (latest.isEmpty()) {
        return fail(w, "the clone had started before CloneGuard saw it and " + target.name()
            + " has no stored snapshot to verify against; run 'cloneguard diff' against a backup or restore by hand");
      }
      SnapshotRef ref = latest.get();
      String note = "no pre-clone snapshot: the clone request was already " + w.cloneState() + " when first seen; falling back to "
          + ref.ref() + " (" + ref.trigger() + ", taken " + ref.takenAt() + ")";
      log.warn("{}: workflow {}: {}", target.name(), w.id(), note);
      return move(w, WorkflowState.PRE_SNAPSHOT_TAKEN, w.withSnapshot(ref.ref(), true, true).withReason(note), note);
    }
    SnapshotRef ref = snapshot(target, "clone:" + (w.cloneSysId() == null ? w.id() : w.cloneSysId()));
    return move(w, WorkflowState.PRE_SNAPSHOT_TAKEN, w.withSnapshot(ref.ref(), false, false), "pre-clone snapshot " + ref.ref());
  }

  private Workflow refreshSnapshotIfDue(InstanceConfig target, Workflow w) {
    Instant now = clock.instant();
    if (w.snapshotRefreshed() || w.cloneScheduled() == null || now.isBefore(w.cloneScheduled().minus(options.snapshotRefreshLead()))) {
      return null;
    }
    SnapshotRef ref = snapshot(target, "clone:" + w.cloneSysId());
    Workflow current = w;
    boolean saved = false;
    for (int attempt = 0; attempt < 3 && !saved; attempt++) {
      saved = store.update(stamp(current.withSnapshot(ref.ref(), false, true), current.state(), now), current.state(), "refreshed");
      if (!saved) {
        // The watcher recorded a new request state meanwhile: keep the fresh snapshot on the fresh row.
        Optional<Workflow> fresh = store.find(w.id());
        if (fresh.isEmpty() || fresh.get().state() != w.state() || fresh.get().snapshotRefreshed()) {
          return null;
        }
        current = fresh.get();
      }
    }
    if (!saved) {
      return null;
    }
    audit(target.name(), w.cloneSysId(), "workflow:snapshot_refreshed", "ok", ref.ref(),
        "pre-clone snapshot refreshed shortly before the scheduled start " + w.cloneScheduled());
    log.info("{}: workflow {}: pre-clone snapshot refreshed as {} before the start at {}", target.name(), w.id(), ref.ref(), w.cloneScheduled());
    return reload(w);
  }

  private Workflow settle(Workflow w, boolean healthy) {
    CloneState cs = w.parsedCloneState();
    if (cs == CloneState.ROLLBACK_REQUESTED || cs == CloneState.ROLLING_BACK) {
      return null; // the target is being rolled back: settle after that ends
    }
    Instant now = clock.instant();
    if (now.isBefore(w.stateSince().plus(schedule.settleAfterClone()))) {
      return null;
    }
    int polls = healthy ? w.settlePolls() + 1 : 0;
    if (polls >= Math.max(1, schedule.settlePolls())) {
      return move(w, WorkflowState.SETTLED, w.withSettlePolls(polls), polls + " healthy polls after the clone");
    }
    if (polls != w.settlePolls()) {
      store.update(stamp(w.withSettlePolls(polls), w.state(), now), w.state(), null);
    }
    return null;
  }

  private Workflow verify(InstanceConfig target, Workflow w) {
    Verification v = ops.verify(target, w.snapshotRef());
    metrics.gaps(target.name(), v.gapsPerTable());
    String verdict = String.join("; ", v.verdict());
    return move(w, WorkflowState.VERIFIED, w.withVerification(v.gaps(), verdict),
        v.gaps() == 0 ? "no gaps against " + w.snapshotRef() : v.gaps() + " gaps against " + w.snapshotRef() + ": " + verdict);
  }

  private Workflow restore(InstanceConfig target, Workflow w) {
    RestoreOutcome r = ops.restore(target, w.snapshotRef(), w.id());
    if (!r.ok()) {
      return fail(w.withWrites(w.writes() + r.written()),
          "restore of " + target.name() + " from " + w.snapshotRef() + " failed: " + String.join("; ", r.failures()));
    }
    metrics.restoreSucceeded(target.name(), clock.instant());
    String detail = r.written() == 0 ? "nothing to restore" : r.written() + " records restored (plan " + r.planId() + ")";
    if (!r.warnings().isEmpty()) {
      detail += "; warnings: " + String.join("; ", r.warnings());
    }
    return move(w, WorkflowState.RESTORED, w.withWrites(w.writes() + r.written()), detail);
  }

  private Workflow alert(Workflow w) {
    String detail = w.gaps() == 0 ? "no gaps; policy alert-only"
        : w.gaps() + " gaps left for an operator (policy alert-only): run 'cloneguard restore " + w.target() + " --snapshot "
            + w.snapshotRef() + "'";
    if (w.gaps() > 0) {
      log.error("{}: {}", w.target(), detail);
    }
    return move(w, WorkflowState.ALERTED, w, detail);
  }

  private Workflow midCheck(InstanceConfig target, Workflow w) {
    Instant now = clock.instant();
    Instant last = lastMidCheck.get(w.id());
    if (last != null && now.isBefore(last.plus(schedule.midCheckInterval()))) {
      return null;
    }
    lastMidCheck.put(w.id(), now);
    MidOutcome m = ops.checkMidServers(target, w.snapshotRef());
    metrics.midServers(target.name(), m.up(), m.down());
    if (m.allUp()) {
      lastMidCheck.remove(w.id());
      return move(w, WorkflowState.MIDS_UP, w, m.up() + " MID Servers Up");
    }
    Duration waited = Duration.between(w.stateSince(), now);
    if (waited.compareTo(schedule.midUpTimeout()) >= 0) {
      lastMidCheck.remove(w.id());
      return fail(w, "MID Servers still not Up " + waited.toSeconds() + "s after " + w.state() + ": " + String.join(", ", m.notUp())
          + " (check the MID hosts' config.xml user and password, and the agent log)");
    }
    return null;
  }

  private SnapshotRef snapshot(InstanceConfig target, String trigger) {
    Instant t0 = clock.instant();
    SnapshotRef ref = ops.takeSnapshot(target, trigger);
    metrics.snapshotSucceeded(target.name(), clock.instant(), Duration.between(t0, clock.instant()));
    if (ref.midUsers() >= 0) {
      metrics.midUsers(target.name(), ref.midUsers(), -1);
    }
    return ref;
  }

  private Workflow fail(Workflow w, String reason) {
    log.error("{}: workflow {} FAILED: {}", w.target(), w.id(), SecretMask.mask(reason));
    Workflow done = move(w, WorkflowState.FAILED, w.withReason(reason), reason);
    if (done != null) {
      metrics.workflowFailed(w.target());
    }
    return done;
  }

  /**
   * Persists {@code changed} in state {@code to}, if nobody else changed the row meanwhile. When the
   * watcher updated the clone request fields in between, the step is re-applied on the fresh row.
   */
  private Workflow move(Workflow before, WorkflowState to, Workflow changed, String detail) {
    Instant now = clock.instant();
    Workflow candidate = changed.withState(to, now, node);
    for (int attempt = 0; attempt < 3; attempt++) {
      if (store.update(candidate, before.state(), detail)) {
        onTransition(before, to, detail);
        return reload(before);
      }
      Optional<Workflow> fresh = store.find(before.id());
      if (fresh.isEmpty() || fresh.get().state() != before.state()) {
        log.debug("{}: workflow {} was advanced by another daemon", before.target(), before.id());
        return null;
      }
      Workflow f = fresh.get();
      // Keep the watcher's fresh clone fields, apply our step's fields.
      candidate = new Workflow(changed.id(), changed.target(), changed.source(), changed.cloneSysId(), changed.kind(), to, f.cloneState(),
          f.cloneScheduled(), changed.snapshotRef(), changed.snapshotFallback(), changed.snapshotRefreshed(),
          to.awaitsSettle() ? 0 : changed.settlePolls(), changed.gaps(), changed.writes(), changed.verdict(), changed.reason(),
          changed.created(), now, now, node, f.version());
    }
    return null;
  }

  private void onTransition(Workflow before, WorkflowState to, String detail) {
    log.info("{}: workflow {} {} -> {}: {}", before.target(), before.id(), before.state(), to, SecretMask.mask(detail));
    metrics.transition(before.target(), to.label());
    audit(before.target(), before.cloneSysId(), "workflow:" + to.label(), to == WorkflowState.FAILED ? "failed" : "ok", before.snapshotRef(),
        before.state() + " -> " + to + ": " + SecretMask.mask(detail));
  }

  /** The transition is already persisted: an audit log that cannot be written is logged loudly, not allowed to undo it. */
  private void audit(String instance, String sysId, String action, String outcome, String snapshotRef, String detail) {
    try {
      audit.record(instance, cloneTable, sysId, action, outcome, snapshotRef, null, detail);
    } catch (RuntimeException e) {
      log.error("{}: cannot write the audit log entry {} ({}): {}", instance, action, detail, SecretMask.mask(String.valueOf(e.getMessage())));
    }
  }

  private static Workflow stamp(Workflow w, WorkflowState state, Instant now) {
    return new Workflow(w.id(), w.target(), w.source(), w.cloneSysId(), w.kind(), state, w.cloneState(), w.cloneScheduled(), w.snapshotRef(),
        w.snapshotFallback(), w.snapshotRefreshed(), w.settlePolls(), w.gaps(), w.writes(), w.verdict(), w.reason(), w.created(),
        w.stateSince(), now, w.node(), w.version());
  }

  private Workflow reload(Workflow w) {
    return store.find(w.id()).orElse(null);
  }
}
