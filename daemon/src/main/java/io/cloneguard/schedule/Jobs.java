package io.cloneguard.schedule;

import io.cloneguard.config.InstanceConfig;
import io.cloneguard.servicenow.ServiceNowException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.quartz.DisallowConcurrentExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Quartz jobs. Each is thin: the work lives in the watcher, the guard and the engine. */
final class Jobs {
  private static final Logger log = LoggerFactory.getLogger(Jobs.class);

  private Jobs() {}

  /** Polls clone requests on one watched source instance. */
  @DisallowConcurrentExecution
  static final class WatchJob extends SafeJob {
    WatchJob(DaemonRuntime rt) {
      super(rt);
    }

    @Override
    String kind() {
      return "watch";
    }

    @Override
    void run(String instance) {
      InstanceConfig source = rt.instance(instance);
      try {
        rt.watcher().poll(source, rt.client(instance));
        rt.guard().recordWatchPoll(instance, true, null);
        if (!source.guard()) {
          rt.metrics().preflightWarning(instance, "credentials", false);
        }
      } catch (ServiceNowException e) {
        rt.metrics().instanceUp(instance, false);
        if (e instanceof ServiceNowException.AuthenticationFailed) {
          rt.metrics().preflightWarning(instance, "credentials", true); // same alert as a guarded instance's lost account
        }
        rt.guard().recordWatchPoll(instance, false, e.getMessage());
        throw e;
      }
    }
  }

  /** Health/drift probe and workflow steps for one guarded instance. */
  @DisallowConcurrentExecution
  static final class GuardJob extends SafeJob {
    GuardJob(DaemonRuntime rt) {
      super(rt);
    }

    @Override
    String kind() {
      return "guard";
    }

    @Override
    void run(String instance) {
      rt.guard().tick(rt.instance(instance));
      rt.refreshWorkflowGauges();
    }
  }

  /** The scheduled baseline snapshot of one guarded instance. */
  @DisallowConcurrentExecution
  static final class BaselineJob extends SafeJob {
    BaselineJob(DaemonRuntime rt) {
      super(rt);
    }

    @Override
    String kind() {
      return "baseline";
    }

    @Override
    void run(String instance) {
      List<Workflow> busy = rt.store().unfinished(instance);
      if (!busy.isEmpty()) {
        // Mid-clone the target may hold the source's users: a baseline now would record the damage.
        log.info("{}: baseline snapshot skipped: clone workflow {} is {}", instance, busy.get(0).id(), busy.get(0).state());
        return;
      }
      Instant t0 = rt.clock().instant();
      var ref = rt.operations().takeSnapshot(rt.instance(instance), "baseline");
      rt.metrics().snapshotSucceeded(instance, rt.clock().instant(), java.time.Duration.between(t0, rt.clock().instant()));
      if (ref.midUsers() >= 0) {
        rt.metrics().midUsers(instance, ref.midUsers(), -1);
      }
      log.info("{}: baseline snapshot {} ({} MID users)", instance, ref.ref(), ref.midUsers());
    }
  }

  /** Retention: old snapshots go, those a recent or unfinished workflow refers to stay. */
  @DisallowConcurrentExecution
  static final class HousekeepingJob extends SafeJob {
    HousekeepingJob(DaemonRuntime rt) {
      super(rt);
    }

    @Override
    String kind() {
      return "housekeeping";
    }

    @Override
    void run(String ignored) {
      Set<String> protectedIds = new HashSet<>();
      for (Workflow w : rt.store().unfinished(null)) {
        addId(protectedIds, w.snapshotRef());
      }
      for (Workflow w : rt.store().updatedSince(rt.clock().instant().minus(rt.options().protectWindow()))) {
        addId(protectedIds, w.snapshotRef());
      }
      int keep = Math.max(1, rt.config().storage().keepPerInstance());
      for (InstanceConfig g : rt.config().guarded()) {
        List<String> removed = rt.operations().prune(g.name(), keep, protectedIds);
        if (!removed.isEmpty()) {
          log.info("{}: retention removed {} snapshots (kept {} newest and {} protected by workflows)", g.name(), removed.size(), keep,
              protectedIds.size());
        }
      }
    }

    private static void addId(Set<String> ids, String ref) {
      if (ref != null) {
        ids.add(ref.substring(ref.indexOf('/') + 1));
      }
    }
  }
}
