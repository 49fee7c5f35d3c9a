package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.sim.CloneHandle;
import io.cloneguard.sim.CloneOutcome;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Clones that do not simply complete: canceled, failed, rolled back, or never announced. */
@Execution(ExecutionMode.CONCURRENT) // each scenario has its own simulators, files and processes
class CloneLifecycleIT {
  static final Duration PHASE = AnnouncedCloneIT.PHASE;
  static final Duration WORKFLOW = AnnouncedCloneIT.WORKFLOW;

  @TempDir Path dir;

  @Test
  @DisplayName("A clone canceled before it starts ends the workflow CANCELED and nothing is written to dev")
  void canceledCloneEndsCanceledWithoutWrites() {
    try (World w = World.start(dir, Landscape.Options.standard().preservers(), "restore")) {
      DevState before = w.devState();
      w.startDaemon();

      w.clone(CloneOutcome.CANCELED, false, PHASE).awaitState("Canceled", WORKFLOW);
      w.awaitDevWorkflow("CANCELED", WORKFLOW);

      assertThat(w.devWriteLog()).as("writes on dev").isEmpty();
      assertThat(w.devState()).isEqualTo(before);
      assertThat(w.landscape.devMidServersUp()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("A clone that ends in Error is verified anyway; dev kept its data, so nothing is written and the workflow ends DONE")
  void cloneEndingInErrorIsVerifiedAndNeedsNoRestore() {
    try (World w = World.start(dir, Landscape.Options.standard().preservers(), "restore")) {
      DevState before = w.devState();
      w.startDaemon();

      w.clone(CloneOutcome.ERROR, false, PHASE).awaitState("Error", WORKFLOW);
      w.awaitDevWorkflow("DONE", WORKFLOW);

      assertThat(w.devWriteLog()).as("writes on dev").isEmpty();
      assertThat(w.devState()).isEqualTo(before);
      assertThat(w.landscape.devMidServersUp()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("A clone rolled back after CloneGuard restored dev ends with every MID account once, none duplicated, MID Servers Up")
  void rollbackAfterRestoreLeavesNoDuplicates() {
    try (World w = World.start(dir, Landscape.Options.standard().preservers(), "restore")) {
      DevState before = w.devState();
      w.startDaemon();

      CloneHandle clone = w.clone(CloneOutcome.COMPLETED, false, PHASE);
      w.awaitDevWorkflow("DONE", WORKFLOW);
      long restoreWrites = w.devWrites();
      assertThat(restoreWrites).as("CloneGuard restored dev after the clone").isPositive();

      clone.rollback();
      clone.awaitState("Rolled back", WORKFLOW);
      org.awaitility.Awaitility.await("workflow re-opened by the rollback").atMost(WORKFLOW).pollInterval(Duration.ofMillis(200))
          .until(() -> w.metric("cloneguard_clone_transitions_total", "instance=dev", "state=rolled_back").orElse(0.0) >= 1);
      w.awaitDevWorkflow("DONE", WORKFLOW);

      assertThat(w.devWrites()).as("the rollback brought the accounts back, so nothing more is written").isEqualTo(restoreWrites);
      assertThat(w.devState()).isEqualTo(before);
      assertThat(DevState.duplicates(w.landscape)).isEmpty();
      org.awaitility.Awaitility.await("MID Servers Up").atMost(Duration.ofSeconds(10)).until(() -> w.landscape.devMidServersUp() == 3);
    }
  }

  @Test
  @DisplayName("An unannounced clone (no clone request anywhere) is caught by the drift check and restored")
  void unannouncedCloneIsCaughtByDriftAndRestored() {
    try (World w = World.start(dir, Landscape.Options.standard().preservers(), "restore")) {
      DevState before = w.devState();
      CliRun baseline = w.cg("snapshot", "dev");
      assertThat(baseline.exitCode()).as(baseline.describe()).isZero();
      w.startDaemon();

      w.landscape.simulator().applyUnannouncedClone("prod", "dev");
      w.awaitDevWorkflow("DONE", WORKFLOW);

      w.assertDevRestored(before);
    }
  }
}
