package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloneguard.sim.CloneOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The daemon is SIGKILLed twice during one clone workflow, at points drawn from a fixed seed: once
 * when the workflow reaches some state, once after its k-th write to dev. Each time it is started
 * again; in the end dev must be exactly as before the clone, with no record written twice.
 *
 * <p>Seed 2026 kills the daemon right after its first user insert reached dev and before the
 * answer came back: only the audit log's "started" line records that insert, and the restarted
 * daemon must still set that user's password (it once did not, and the MID Server stayed Down).
 */
@Execution(ExecutionMode.CONCURRENT) // each scenario has its own simulators, files and processes
class DaemonCrashIT {
  /** The workflow states, in order, a first kill can follow. */
  static final List<String> STATES = List.of("DETECTED", "PRE_SNAPSHOT_TAKEN", "CLONE_RUNNING", "CLONE_COMPLETED", "SETTLED", "VERIFIED");
  static final List<String> ORDER = List.of("DETECTED", "PRE_SNAPSHOT_TAKEN", "CLONE_RUNNING", "CLONE_COMPLETED", "SETTLED", "VERIFIED", "RESTORED",
      "ALERTED", "MIDS_UP", "DONE");

  @TempDir Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 42, 11, 2026})
  void daemonKilledTwiceDuringAWorkflowAndRestartedEndsWithDevRestoredAndNothingDuplicated(long seed) {
    Random random = new Random(seed);
    String killInState = STATES.get(random.nextInt(STATES.size()));
    int killAfterWrite = 1 + random.nextInt(25);
    try (World w = World.start(dir, Landscape.Options.standard().preservers(), "restore")) {
      DevState before = w.devState();
      // Slow writes a little so a kill can land in the middle of the restore.
      w.landscape.dev().faults().latency(Duration.ofMillis(30), Duration.ZERO);
      DaemonProcess first = w.startDaemon();
      // A daemon in production has had its baseline for a while; without one, a crash before the
      // pre-clone snapshot would (rightly) leave nothing to verify against.
      w.awaitExplained("the daemon's start-up baseline of dev", Duration.ofSeconds(30), Duration.ofMillis(100),
          () -> w.metric("cloneguard_snapshot_last_success_timestamp_seconds", "instance=dev").orElse(0.0) > 0);
      w.clone(CloneOutcome.COMPLETED, false, AnnouncedCloneIT.PHASE);

      await("workflow at " + killInState + " or later").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(25))
          .until(() -> ORDER.indexOf(w.devWorkflowState().orElse("")) >= ORDER.indexOf(killInState));
      first.kill();

      DaemonProcess second = w.startDaemon();
      // The write count is in memory and polled every 5 ms, so the kill lands right after that write;
      // /status is asked only every 200 ms, not to load the daemon it is watching.
      AtomicLong statusAskedAt = new AtomicLong();
      w.awaitExplained("the restarted daemon's write #" + killAfterWrite + " or the workflow done", Duration.ofSeconds(60), Duration.ofMillis(5),
          () -> w.devWrites() >= killAfterWrite || (System.nanoTime() - statusAskedAt.get() > 200_000_000L
              && statusAskedAt.getAndSet(System.nanoTime()) >= 0 && "DONE".equals(w.devWorkflowState().orElse(""))));
      second.kill();

      w.startDaemon();
      w.awaitDevWorkflow("DONE", Duration.ofSeconds(60));

      assertThat(w.devState()).as("seed %d: killed at %s and after write %d", seed, killInState, killAfterWrite).isEqualTo(before);
      assertThat(DevState.duplicates(w.landscape)).as("duplicates, seed %d", seed).isEmpty();
      await("MID Servers Up").atMost(Duration.ofSeconds(10)).until(() -> w.landscape.devMidServersUp() == 3);
    }
  }
}
