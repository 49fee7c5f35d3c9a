package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.sim.CloneOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every configured secret (both instances' service account password, the simulators' admin
 * passwords, every escrowed MID password) is looked for in everything CloneGuard printed, logged,
 * exposed or stored during a whole clone and restore, with debug logging on. Every other scenario
 * runs the same scan when it ends; this one makes sure the scan sees a lot.
 */
class SecretsIT {
  @TempDir Path dir;

  @Test
  @DisplayName("No configured secret appears in any command's output, the daemon's debug log, /metrics, /status, the audit log or storage")
  void noSecretAppearsAnywhereDuringACloneAndRestore() {
    World w = World.start(dir, Landscape.Options.standard().preservers(), "restore");
    try {
      for (CliRun run : List.of(w.cg("check-config"), w.cg("check-config", "--output", "json"), w.cg("preflight"), w.cg("snapshot", "dev"))) {
        assertThat(run.exitCode()).as(run.describe()).isIn(0, 1);
      }
      DaemonProcess daemon = w.startDaemon("--verbose");
      w.clone(CloneOutcome.COMPLETED, false, AnnouncedCloneIT.PHASE).awaitState("Completed", Duration.ofSeconds(30));
      w.awaitDevWorkflow("DONE", AnnouncedCloneIT.WORKFLOW);
      w.metrics();
      String status = daemon.status().orElseThrow().toString();
      w.files.secretScanner().scan("/status", status);
      for (String command : List.of("status", "snapshots", "diff")) {
        CliRun run = command.equals("diff") ? w.cg("diff", "dev", "--output", "json") : w.cg(command, "--output", "json");
        assertThat(run.exitCode()).as(run.describe()).isIn(0, 1);
      }
      assertThat(daemon.stderr() + daemon.stdout()).as("the daemon logged at debug level").isNotBlank();

      assertThat(w.files.secretScanner().secretCount()).as("secrets looked for").isGreaterThanOrEqualTo(14);
      assertThat(w.secretFindings()).isEmpty();
    } finally {
      w.close();
    }
  }
}
