package io.cloneguard.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloneguard.config.Policy;
import io.cloneguard.sim.CloneHandle;
import io.cloneguard.sim.CloneOptions;
import io.cloneguard.sim.CloneOutcome;
import io.cloneguard.sim.Seed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon against the simulator over real HTTP, with a real H2 file: one clone scenario per test. */
class CloneWorkflowTest {
  @TempDir Path dir;
  private DaemonHarness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private static CloneOptions phases(CloneOutcome outcome) {
    return CloneOptions.defaults().phaseDuration(Duration.ofMillis(400)).outcome(outcome);
  }

  private static List<WorkflowState> states(Daemon d, String id) {
    return d.workflows().transitions(id).stream().map(WorkflowStore.Transition::to).toList();
  }

  private Workflow only(Daemon d, String target) {
    await().atMost(Duration.ofSeconds(10)).until(() -> !d.workflows().all(target).isEmpty());
    List<Workflow> all = d.workflows().all(target);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private Workflow awaitState(Daemon d, String id, WorkflowState state) {
    await().atMost(Duration.ofSeconds(30)).until(() -> d.workflows().find(id).map(w -> w.state() == state).orElse(false));
    return d.workflows().find(id).orElseThrow();
  }

  @Test
  void canceledCloneRequestEndsCanceledWithoutTouchingTheTarget() {
    h = new DaemonHarness(dir, "dev");
    h.target("dev").seed(Seed.midUsers(2).midServers(1));
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);
    h.target("dev").requestLog().clear();

    CloneHandle clone = h.sim.clone("prod", "dev", phases(CloneOutcome.CANCELED));
    clone.awaitState("Canceled", Duration.ofSeconds(10));
    Workflow w = awaitState(d, only(d, "dev").id(), WorkflowState.CANCELED);

    assertThat(states(d, w.id())).containsExactly(WorkflowState.DETECTED, WorkflowState.PRE_SNAPSHOT_TAKEN, WorkflowState.CANCELED);
    assertThat(w.snapshotRef()).startsWith("dev/");
    assertThat(h.target("dev").requestLog().writes()).isZero();
  }
}
