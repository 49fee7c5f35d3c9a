package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloneguard.sim.CloneOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A clone an admin requested on prod, watched by the real daemon process: what CloneGuard does
 * depends on what the clone took, and that is judged on dev's state in the simulator.
 */
@Execution(ExecutionMode.CONCURRENT) // each scenario has its own simulators, files and processes
class AnnouncedCloneIT {
  /** Long enough for the daemon (polling every 500 ms) to see the request and snapshot dev before the clone starts. */
  static final Duration PHASE = Duration.ofMillis(1500);
  static final Duration WORKFLOW = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  @DisplayName("A clone with all three MID preservers on prod needs no restore: nothing is written and the workflow ends DONE")
  void completePreserversNeedNoRestore() {
    try (World w = World.start(dir, Landscape.Options.standard(), "restore")) {
      DevState before = w.devState();
      w.startDaemon();

      w.clone(CloneOutcome.COMPLETED, false, PHASE).awaitState("Completed", WORKFLOW);
      w.awaitDevWorkflow("DONE", WORKFLOW);

      assertThat(w.devWriteLog()).as("writes on dev").isEmpty();
      assertThat(w.devState()).isEqualTo(before);
      assertThat(w.landscape.devMidServersUp()).isEqualTo(3);
      assertThat(w.metric("cloneguard_clone_detected_total", "instance=dev")).contains(1.0);
      assertThat(w.metric("cloneguard_gaps", "instance=dev").orElse(0.0)).isZero();
    }
  }

  @Test
  @DisplayName("A clone without MID preservers wipes dev's MID accounts and CloneGuard restores every one with its sys_id, MID Servers Up")
  void missingPreserversAreRestored() throws Exception {
    try (World w = World.start(dir, Landscape.Options.standard().preservers(), "restore")) {
      DevState before = w.devState();
      w.startDaemon();

      w.clone(CloneOutcome.COMPLETED, false, PHASE).awaitState("Completed", WORKFLOW);
      w.awaitDevWorkflow("DONE", WORKFLOW);

      w.assertDevRestored(before);
      double writesMetric = w.metric("cloneguard_restore_writes_total", "instance=dev", "outcome=ok").orElse(0.0);
      long inserts = w.landscape.dev().requestLog().entries().stream().filter(e -> e.method().equals("POST") && e.status() == 201).count();
      assertThat(writesMetric).as("restore writes in /metrics").isGreaterThanOrEqualTo(inserts).isLessThanOrEqualTo(w.devWrites());
      assertThat(w.metric("cloneguard_mid_servers", "instance=dev", "status=up")).contains(3.0);
      assertThat(w.metric("cloneguard_restore_last_success_timestamp_seconds", "instance=dev")).hasValueSatisfying(v -> assertThat(v).isPositive());
      String audit = Files.readString(w.files.auditLog());
      assertThat(w.landscape.devSeed().midUserIds()).allSatisfy(id -> assertThat(audit).contains(id));
    }
  }

  @Test
  @DisplayName("A MID group missing on prod is lost in the clone; CloneGuard recreates it with its sys_id and puts its members back")
  void groupLostInCloneIsRecreated() {
    try (World w = World.start(dir, Landscape.Options.standard().lastGroupMissingOnProd(true), "restore")) {
      DevState before = w.devState();
      String lostGroup = w.landscape.devSeed().groupIds().get(w.landscape.devSeed().groupIds().size() - 1);
      w.startDaemon();

      w.clone(CloneOutcome.COMPLETED, false, PHASE).awaitState("Completed", WORKFLOW);
      w.awaitDevWorkflow("DONE", WORKFLOW);

      assertThat(w.landscape.dev().row("sys_user_group", lostGroup)).as("the lost group, same sys_id").isPresent();
      w.assertDevRestored(before);
    }
  }

  @Test
  @DisplayName("A clone that falls back to the legacy engine preserves no grants or memberships; CloneGuard restores them")
  void legacyFallbackLosesDotWalkedPreserversAndIsRestored() {
    try (World w = World.start(dir, Landscape.Options.standard(), "restore")) {
      DevState before = w.devState();
      w.startDaemon();

      w.clone(CloneOutcome.COMPLETED, true, PHASE).awaitState("Completed", WORKFLOW);
      w.awaitDevWorkflow("DONE", WORKFLOW);

      w.assertDevRestored(before);
      assertThat(w.landscape.dev().requestLog().count("POST", "sys_user")).as("users were preserved, so none is re-created").isZero();
      assertThat(w.landscape.dev().requestLog().count("POST", "sys_user_has_role")).as("direct grants put back").isPositive();
    }
  }

  @Test
  @DisplayName("With policy alert-only the gaps are reported in /metrics and nothing is written to dev")
  void alertOnlyReportsGapsWithoutWriting() {
    try (World w = World.start(dir, Landscape.Options.standard().preservers(), "alert-only")) {
      w.startDaemon();

      w.clone(CloneOutcome.COMPLETED, false, PHASE).awaitState("Completed", WORKFLOW);
      await("gaps reported").atMost(WORKFLOW).pollInterval(Duration.ofMillis(200))
          .until(() -> w.metric("cloneguard_gaps", "instance=dev", "table=sys_user").orElse(0.0) >= 10);

      assertThat(w.devWriteLog()).as("writes on dev").isEmpty();
      assertThat(w.landscape.devMidServersUp()).as("nobody restored the MID users").isZero();
    }
  }

}
