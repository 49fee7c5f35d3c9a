package io.cloneguard.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.SchedulerConfig;
import io.cloneguard.config.Secret;
import io.cloneguard.restore.PasswordEscrow;
import io.cloneguard.sim.CloneOptions;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SeedResult;
import io.cloneguard.snapshot.SnapshotKey;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two daemons sharing one PostgreSQL job store (and one storage dir): Quartz clustering plus the version column let only one act. */
class PostgresClusterTest {
  @TempDir Path dir;
  private EmbeddedPostgres pg;
  private DaemonHarness h;

  @AfterEach
  void tearDown() throws Exception {
    if (h != null) {
      h.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void twoDaemonsSharingPostgresAdvanceEachWorkflowStepOnceAndWriteEachRecordOnce() throws Exception {
    pg = EmbeddedPostgres.start();
    h = new DaemonHarness(dir, "dev");
    SeedResult seeded = h.target("dev").seed(Seed.midUsers(3).groups(1).midServers(1));
    PasswordEscrow escrow = new PasswordEscrow(dir, SnapshotKey.load(dir.resolve("cloneguard.key")));
    seeded.midUserNames().forEach(u -> escrow.put("dev", u, Secret.of(seeded.passwordOf(u))));
    CloneGuardConfig config = h.config(Policy.RESTORE, SchedulerConfig.Store.JDBC, pg.getJdbcUrl("postgres", "postgres"), "postgres", null);

    Daemon a = h.start(config, o -> o.withNodeId("node-a"));
    Daemon b = h.start(config, o -> o.withNodeId("node-b"));
    h.awaitReady(a);
    h.awaitReady(b);
    h.target("dev").requestLog().clear();

    h.sim.clone("prod", "dev", CloneOptions.defaults().phaseDuration(Duration.ofMillis(400)));
    await().atMost(Duration.ofSeconds(10)).until(() -> !a.workflows().all("dev").isEmpty());
    String id = a.workflows().all("dev").get(0).id();
    await().atMost(Duration.ofSeconds(30)).until(() -> b.workflows().find(id).map(w -> w.state() == WorkflowState.DONE).orElse(false));

    List<WorkflowStore.Transition> history = a.workflows().transitions(id);
    assertThat(history).extracting(WorkflowStore.Transition::to).containsExactly(WorkflowState.DETECTED, WorkflowState.PRE_SNAPSHOT_TAKEN,
        WorkflowState.CLONE_RUNNING, WorkflowState.CLONE_COMPLETED, WorkflowState.SETTLED, WorkflowState.VERIFIED, WorkflowState.RESTORED,
        WorkflowState.MIDS_UP, WorkflowState.DONE);
    Set<String> nodes = history.stream().map(WorkflowStore.Transition::node).collect(Collectors.toSet());
    assertThat(nodes).isSubsetOf("node-a", "node-b");
    assertThat(a.workflows().all("dev")).hasSize(1);
    assertThat(h.target("dev").requestLog().count("POST", "sys_user")).isEqualTo(3);
    assertThat(h.target("dev").requestLog().count("POST", "sys_user_group")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> seeded.midServerNames().stream().allMatch(m -> "Up".equals(h.target("dev").midServerStatus(m))));
  }
}
