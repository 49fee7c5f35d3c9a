package io.cloneguard.schedule;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.schedule.GuardOperations.SnapshotRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@code cloneguard status} and {@code /status} show: per instance the last snapshot, clone
 * workflows in progress and the last finished one, the last verification verdict, MID Servers and
 * preflight warnings. Built from the workflow database and the snapshot store, plus the live poll
 * results when a running daemon builds it.
 */
public record StatusReport(Instant generatedAt, String version, String source, List<InstanceStatus> instances) {

  /** One instance. Live fields are null when no daemon has polled it (status read from the database). */
  public record InstanceStatus(
      String name,
      boolean guard,
      boolean watch,
      String policy,
      Boolean reachable,
      Instant lastPollSuccess,
      String problem,
      SnapshotSummary lastSnapshot,
      Long midUsersExpected,
      Long midUsersPresent,
      Integer midServersUp,
      Integer midServersDown,
      List<WorkflowSummary> inProgress,
      WorkflowSummary lastFinished,
      String lastVerdict,
      List<String> preflightWarnings) {}

  public record SnapshotSummary(String ref, Instant takenAt, String trigger, int midUsers) {}

  public record WorkflowSummary(String id, String kind, String state, String cloneState, Instant since, String snapshot,
      boolean snapshotFallback, int gaps, int writes, String verdict, String reason) {
    static WorkflowSummary of(Workflow w) {
      return new WorkflowSummary(w.id(), w.kind().name(), w.state().name(), w.cloneState(), w.stateSince(), w.snapshotRef(),
          w.snapshotFallback(), w.gaps(), w.writes(), w.verdict(), w.reason());
    }
  }

  /** Live figures a running daemon adds. */
  record Live(Boolean reachable, Instant lastPollSuccess, String problem, Long present, Long expected, Integer midUp, Integer midDown) {
    static final Live NONE = new Live(null, null, null, null, null, null, null);
  }

  static StatusReport build(CloneGuardConfig config, WorkflowStore store, Function<String, Optional<SnapshotRef>> latestSnapshot,
      Function<String, Live> live, Map<String, List<String>> preflightWarnings, String version, String source, Instant now) {
    List<InstanceStatus> out = new ArrayList<>();
    for (InstanceConfig i : config.instances()) {
      Live l = live.apply(i.name());
      SnapshotSummary snap = null;
      List<WorkflowSummary> inProgress = List.of();
      WorkflowSummary lastFinished = null;
      String lastVerdict = null;
      if (i.guard()) {
        Optional<SnapshotRef> latest;
        try {
          latest = latestSnapshot.apply(i.name());
        } catch (RuntimeException e) {
          latest = Optional.empty();
        }
        snap = latest.map(r -> new SnapshotSummary(r.ref(), r.takenAt(), r.trigger(), r.midUsers())).orElse(null);
        List<Workflow> all = store.all(i.name());
        inProgress = all.stream().filter(w -> !w.state().terminal()).map(WorkflowSummary::of).toList();
        lastFinished = all.stream().filter(w -> w.state().terminal()).max(java.util.Comparator.comparing(Workflow::updated))
            .map(WorkflowSummary::of).orElse(null);
        lastVerdict = all.stream().filter(w -> w.gaps() >= 0).max(java.util.Comparator.comparing(Workflow::updated))
            .map(w -> w.gaps() == 0 ? "no gaps (" + w.snapshotRef() + ")" : w.gaps() + " gaps: " + w.verdict()).orElse(null);
      }
      out.add(new InstanceStatus(i.name(), i.guard(), i.watchCloneRequests(), i.policy() == null ? null : i.policy().configName(), l.reachable(),
          l.lastPollSuccess(), l.problem(), snap, l.expected(), l.present(), l.midUp(), l.midDown(), inProgress, lastFinished, lastVerdict,
          preflightWarnings == null ? null : List.copyOf(preflightWarnings.getOrDefault(i.name(), List.of()))));
    }
    return new StatusReport(now, version, source, out);
  }

  /**
   * Status without a running daemon: workflows from the database, snapshots from the store; live
   * figures (reachability, MID Servers) and preflight warnings (null) are then absent. With the embedded H2 store this only works
   * while no daemon holds the file: ask the daemon's /status instead.
   */
  public static StatusReport fromStore(CloneGuardConfig config, Instant now) {
    try (Database db = Database.open(config, 2)) {
      WorkflowStore store = new WorkflowStore(db.dataSource());
      io.cloneguard.snapshot.SnapshotStore[] snapshots = {null};
      Function<String, Optional<SnapshotRef>> latest = name -> {
        if (!java.nio.file.Files.isDirectory(config.storage().dir().resolve(name))) {
          return Optional.empty();
        }
        if (snapshots[0] == null) {
          snapshots[0] = new io.cloneguard.snapshot.SnapshotStore(config.storage().dir(),
              io.cloneguard.snapshot.SnapshotKey.load(config.storage().keyFile()));
        }
        return snapshots[0].latest(name).map(SnapshotOperations::refOf);
      };
      return build(config, store, latest, n -> Live.NONE, null, Daemon.version(), "database " + db.description(), now);
    }
  }
}
