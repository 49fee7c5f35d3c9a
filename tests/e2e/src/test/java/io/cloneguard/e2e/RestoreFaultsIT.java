package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.sim.Faults;
import io.cloneguard.sim.RequestLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

/** dev misbehaves while CloneGuard restores it; the restore still ends complete, with nothing written twice. */
@Execution(ExecutionMode.CONCURRENT) // each scenario has its own simulators, files and processes
class RestoreFaultsIT {
  @TempDir Path dir;

  @Test
  @DisplayName("A storm of 429 answers with Retry-After during restore is waited out and everything is restored once")
  void rateLimitStormIsWaitedOut() {
    RequestLog log = restoreUnder(f -> f.rateLimitNext(5, 1));
    assertThat(log.withStatus(429)).isEqualTo(5);
  }

  @Test
  @DisplayName("A window of 503 answers during restore is retried and everything is restored once")
  void serviceUnavailableWindowIsRetried() {
    RequestLog log = restoreUnder(f -> f.failNext(503, 4));
    assertThat(log.withStatus(503)).isEqualTo(4);
  }

  @Test
  @DisplayName("Connections reset during restore are retried without duplicating a record")
  void connectionResetsDoNotDuplicate() {
    restoreUnder(f -> f.resetNext(3));
  }

  @Test
  @DisplayName("Latency spikes of up to 400 ms during restore slow it down but it completes")
  void latencySpikesSlowButDoNotBreakRestore() {
    restoreUnder(f -> f.latency(Duration.ofMillis(50), Duration.ofMillis(350)));
  }

  /** Snapshot, clone wiping dev, the fault, then restore --apply; checks dev ends as before. Returns dev's request log. */
  private RequestLog restoreUnder(Consumer<Faults> fault) {
    try (World w = World.start(dir, Landscape.Options.standard().preservers(), "restore")) {
      DevState before = w.devState();
      CliRun snapshot = w.cg("snapshot", "dev");
      assertThat(snapshot.exitCode()).as(snapshot.describe()).isZero();
      ManualRestoreIT.cloneWipingDev(w);

      fault.accept(w.landscape.dev().faults());
      CliRun apply = w.cg("restore", "dev", "--apply", "--yes");
      w.landscape.dev().faults().clear();

      assertThat(apply.exitCode()).as(apply.describe()).isZero();
      w.assertDevRestored(before);
      CliRun diff = w.cg("diff", "dev");
      assertThat(diff.exitCode()).as(diff.describe()).isZero();
      return w.landscape.dev().requestLog();
    }
  }
}
