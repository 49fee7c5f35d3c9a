package io.cloneguard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.config.CloneGuardConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowStoreTest {
  @TempDir Path dir;

  private static Workflow detected(String id, Instant now) {
    return new Workflow(id, "dev", "prod", "abc", WorkflowKind.ANNOUNCED, WorkflowState.DETECTED, "Scheduled", now.plusSeconds(600), null,
        false, false, 0, -1, 0, null, null, now, now, now, "node-a", 0);
  }

  @Test
  void createsQuartzAndWorkflowTablesInAnEmbeddedFileOnFirstStartAndReopensIt() throws Exception {
    CloneGuardConfig config = TestConfigs.embedded(dir);
    try (Database db = Database.open(config, 2)) {
      new WorkflowStore(db.dataSource()).saveCursor("watch:prod", "2026-12-04 10:00:00");
      try (var c = db.dataSource().getConnection(); var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM QRTZ_LOCKS")) {
        assertThat(rs.next()).isTrue();
      }
    }
    assertThat(dir.resolve("scheduler/cloneguard.mv.db")).exists();
    try (Database db = Database.open(config, 2)) {
      assertThat(new WorkflowStore(db.dataSource()).cursor("watch:prod")).contains("2026-12-04 10:00:00");
    }
  }

  @Test
  void insertsOnceAndRecordsEveryStateChangeInTheHistory() {
    try (Database db = Database.open(TestConfigs.embedded(dir), 2)) {
      WorkflowStore store = new WorkflowStore(db.dataSource());
      Instant t0 = Instant.parse("2026-12-04T10:00:00Z");
      assertThat(store.insertIfAbsent(detected("w1", t0), "seen")).isTrue();
      assertThat(store.insertIfAbsent(detected("w1", t0), "seen again")).isFalse();

      Workflow w = store.find("w1").orElseThrow();
      assertThat(store.update(w.withSnapshot("dev/x", false, false).withState(WorkflowState.PRE_SNAPSHOT_TAKEN, t0.plusSeconds(1), "n"),
          WorkflowState.DETECTED, "snap")).isTrue();
      Workflow after = store.find("w1").orElseThrow();
      assertThat(after.state()).isEqualTo(WorkflowState.PRE_SNAPSHOT_TAKEN);
      assertThat(after.snapshotRef()).isEqualTo("dev/x");
      assertThat(after.version()).isEqualTo(1);
      assertThat(store.transitions("w1")).extracting(WorkflowStore.Transition::to)
          .containsExactly(WorkflowState.DETECTED, WorkflowState.PRE_SNAPSHOT_TAKEN);
      assertThat(store.unfinished("dev")).extracting(Workflow::id).containsExactly("w1");
    }
  }

  @Test
  void aStaleVersionLosesSoOnlyOneWriterAdvancesAWorkflow() throws Exception {
    CloneGuardConfig config = TestConfigs.embedded(dir);
    try (Database db = Database.open(config, 8)) {
      WorkflowStore store = new WorkflowStore(db.dataSource());
      Instant t0 = Instant.parse("2026-12-04T10:00:00Z");
      store.insertIfAbsent(detected("w2", t0), "seen");
      Workflow w = store.find("w2").orElseThrow();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch go = new CountDownLatch(1);
      try {
        var results = new java.util.ArrayList<Future<Boolean>>();
        for (int i = 0; i < 8; i++) {
          String node = "node-" + i;
          results.add(pool.submit(() -> {
            go.await();
            return store.update(w.withState(WorkflowState.PRE_SNAPSHOT_TAKEN, t0.plusSeconds(1), node), WorkflowState.DETECTED, node);
          }));
        }
        go.countDown();
        int winners = 0;
        for (Future<Boolean> f : results) {
          winners += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
      assertThat(store.transitions("w2")).hasSize(2);
      assertThat(store.find("w2").orElseThrow().version()).isEqualTo(1);
    }
  }
}
