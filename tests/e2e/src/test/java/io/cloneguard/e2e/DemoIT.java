package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, run the way a user runs it: a separate process, output piped. */
class DemoIT {
  @TempDir Path out;

  @Test
  @DisplayName("The demo restores the MID users a clone wiped, tells the story in order and exits 0 within a minute")
  void demoRestoresWipedMidUsersAndExitsZeroWithinAMinute() {
    CliRun demo = CloneGuardLauncher.checkout(out).run(Duration.ofSeconds(90), "demo");

    assertThat(demo.exitCode()).as(demo.describe()).isZero();
    assertThat(demo.took()).as("demo wall time").isLessThan(Duration.ofSeconds(60));
    List<String> steps = List.of("clone request seen", "snapshot taken", "clone running", "clone completed", "gaps found", "restored", "MID Servers Up");
    int at = -1;
    for (String step : steps) {
      int next = demo.stdout().indexOf(step, at + 1);
      assertThat(next).as("'" + step + "' after the previous step in\n" + demo.stdout()).isGreaterThan(at);
      at = next;
    }
    assertThat(demo.stdout()).as("piped output has no terminal control characters").doesNotContain("\u001b").doesNotContain("\r");
  }
}
