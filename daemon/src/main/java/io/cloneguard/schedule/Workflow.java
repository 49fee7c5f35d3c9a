package io.cloneguard.schedule;

import java.time.Instant;

/**
 * One clone of one guarded instance, as persisted in {@code cg_workflow}. Immutable: the store
 * writes a changed copy guarded by {@link #version()}, so two daemons never both advance it.
 *
 * @param id {@code clone:<source>:<request sys_id>:<target>} or {@code drift:<target>:<epoch ms>}
 * @param cloneState the request's state as last seen by the watcher (raw text), or null
 * @param cloneScheduled the request's scheduled start, or null
 * @param snapshotRef the snapshot verification and restore compare against
 * @param snapshotFallback true when no pre-clone snapshot could be taken and the newest baseline is used
 * @param snapshotRefreshed true once the snapshot was refreshed shortly before the scheduled start
 * @param settlePolls consecutive healthy polls of the target since the settle wait ended
 * @param gaps gaps found by the last verification, -1 before one ran
 * @param writes records written by the restore
 * @param reason why the workflow FAILED, or a note on how it ended
 * @param node the daemon (Quartz instance id) that made the last transition
 */
public record Workflow(
    String id,
    String target,
    String source,
    String cloneSysId,
    WorkflowKind kind,
    WorkflowState state,
    String cloneState,
    Instant cloneScheduled,
    String snapshotRef,
    boolean snapshotFallback,
    boolean snapshotRefreshed,
    int settlePolls,
    int gaps,
    int writes,
    String verdict,
    String reason,
    Instant created,
    Instant stateSince,
    Instant updated,
    String node,
    long version) {

  public CloneState parsedCloneState() {
    return CloneState.match(cloneState);
  }

  Workflow withState(WorkflowState next, Instant now, String byNode) {
    return new Workflow(id, target, source, cloneSysId, kind, next, cloneState, cloneScheduled, snapshotRef, snapshotFallback,
        snapshotRefreshed, next.awaitsSettle() ? 0 : settlePolls, gaps, writes, verdict, reason, created, now, now, byNode, version);
  }

  Workflow withSnapshot(String ref, boolean fallback, boolean refreshed) {
    return new Workflow(id, target, source, cloneSysId, kind, state, cloneState, cloneScheduled, ref, fallback, refreshed,
        settlePolls, gaps, writes, verdict, reason, created, stateSince, updated, node, version);
  }

  Workflow withSettlePolls(int polls) {
    return new Workflow(id, target, source, cloneSysId, kind, state, cloneState, cloneScheduled, snapshotRef, snapshotFallback,
        snapshotRefreshed, polls, gaps, writes, verdict, reason, created, stateSince, updated, node, version);
  }

  Workflow withVerification(int gapCount, String verdictText) {
    return new Workflow(id, target, source, cloneSysId, kind, state, cloneState, cloneScheduled, snapshotRef, snapshotFallback,
        snapshotRefreshed, settlePolls, gapCount, writes, verdictText, reason, created, stateSince, updated, node, version);
  }

  Workflow withWrites(int count) {
    return new Workflow(id, target, source, cloneSysId, kind, state, cloneState, cloneScheduled, snapshotRef, snapshotFallback,
        snapshotRefreshed, settlePolls, gaps, count, verdict, reason, created, stateSince, updated, node, version);
  }

  Workflow withReason(String text) {
    return new Workflow(id, target, source, cloneSysId, kind, state, cloneState, cloneScheduled, snapshotRef, snapshotFallback,
        snapshotRefreshed, settlePolls, gaps, writes, verdict, text, created, stateSince, updated, node, version);
  }

  Workflow withClone(String state, Instant scheduled) {
    return new Workflow(id, target, source, cloneSysId, kind, this.state, state, scheduled, snapshotRef, snapshotFallback,
        snapshotRefreshed, settlePolls, gaps, writes, verdict, reason, created, stateSince, updated, node, version);
  }
}
