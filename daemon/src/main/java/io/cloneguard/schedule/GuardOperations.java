package io.cloneguard.schedule;

import io.cloneguard.config.InstanceConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the workflow needs from the snapshot and restore packages, narrowed to the calls it makes.
 * {@link LiveOperations} is the real implementation; the seam keeps the state machine readable and
 * lets its steps be reasoned about one at a time. Every method may throw a ServiceNowException
 * (the workflow then waits and retries on the next poll) or a SnapshotException.
 */
public interface GuardOperations {

  /** A stored snapshot, as the workflow refers to it. */
  record SnapshotRef(String instance, String id, Instant takenAt, String trigger, int midUsers) {
    public String ref() {
      return instance + "/" + id;
    }
  }

  /** The outcome of comparing the live instance with a snapshot. */
  record Verification(int gaps, Map<String, Integer> gapsPerTable, List<String> verdict) {}

  /** What a restore wrote. */
  record RestoreOutcome(String planId, int written, int skipped, List<String> failures, List<String> warnings) {
    public boolean ok() {
      return failures.isEmpty();
    }
  }

  /** MID Servers of the instance at one check. */
  record MidOutcome(int up, int down, List<String> notUp) {
    public boolean allUp() {
      return down == 0;
    }
  }

  /** Captures and stores a snapshot; {@code trigger} is baseline, manual or clone:&lt;sys_id&gt;. */
  SnapshotRef takeSnapshot(InstanceConfig instance, String trigger);

  /** The newest stored snapshot of the instance, whatever its trigger. */
  Optional<SnapshotRef> latestSnapshot(String instance);

  Verification verify(InstanceConfig instance, String snapshotRef);

  /** Diffs again, plans and writes only what is missing: safe to repeat after a crash. */
  RestoreOutcome restore(InstanceConfig instance, String snapshotRef, String workflowId);

  /** One look at the instance's MID Servers (those in the snapshot). */
  MidOutcome checkMidServers(InstanceConfig instance, String snapshotRef);

  /** Users holding a MID role: one Aggregate API request. */
  long countMidUsers(InstanceConfig instance);

  /** Removes old snapshots beyond {@code keep}, never one in {@code protectedIds}; returns the removed refs. */
  List<String> prune(String instance, int keep, Set<String> protectedIds);
}
