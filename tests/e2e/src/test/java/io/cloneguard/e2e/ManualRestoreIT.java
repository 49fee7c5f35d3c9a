package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloneguard.sim.CloneOutcome;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator without the daemon: snapshot, the clone, diff, a dry run, then the real restore. */
class ManualRestoreIT {
  @TempDir Path dir;

  @Test
  @DisplayName("Snapshot, clone, diff exits 1, restore dry-run writes nothing, restore --apply puts it all back, diff exits 0")
  void manualSnapshotDiffRestorePath() {
    try (World w = World.start(dir, Landscape.Options.standard().preservers(), "restore")) {
      DevState before = w.devState();
      CliRun snapshot = w.cg("snapshot", "dev");
      assertThat(snapshot.exitCode()).as(snapshot.describe()).isZero();
      assertThat(snapshot.stdout().strip()).startsWith("dev/");

      cloneWipingDev(w);

      CliRun diff = w.cg("diff", "dev", "--output", "json");
      assertThat(diff.exitCode()).as(diff.describe()).isEqualTo(1);
      assertThat(diff.json().toString()).contains("sys_user").contains("sys_user_grmember");

      CliRun dryRun = w.cg("restore", "dev");
      assertThat(dryRun.exitCode()).as(dryRun.describe()).isIn(0, 1);
      assertThat(w.devWrites()).as("writes by the dry run").isZero();
      assertThat(dryRun.stdout()).as(dryRun.describe()).contains(w.landscape.devSeed().midUserNames().get(0));

      CliRun apply = w.cg("restore", "dev", "--apply", "--yes");
      assertThat(apply.exitCode()).as(apply.describe()).isZero();

      CliRun after = w.cg("diff", "dev");
      assertThat(after.exitCode()).as(after.describe()).isZero();
      w.assertDevRestored(before);
    }
  }

  /** A completed clone of prod over dev with no preservers: dev's MID accounts are gone and its MID Servers go Down. */
  static void cloneWipingDev(World w) {
    w.clone(CloneOutcome.COMPLETED, false, Duration.ofMillis(200)).awaitState("Completed", Duration.ofSeconds(10));
    await("MID Servers Down after the clone").atMost(Duration.ofSeconds(5)).until(() -> w.landscape.devMidServersUp() == 0);
    w.landscape.dev().requestLog().clear();
  }
}
