package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    Matcher dir = Pattern.compile("(/\\S*cloneguard-demo-\\d+)/cloneguard\\.yaml").matcher(demo.stdout());
    assertThat(dir.find()).as("the demo names its config file").isTrue();
    assertThat(Path.of(dir.group(1))).as("temporary directory removed").doesNotExist();
  }

  @Test
  @DisplayName("demo --keep leaves everything running for the printed CLI commands, and SIGTERM stops it and cleans up")
  void keepLeavesEverythingRunningUntilStopped() throws Exception {
    CloneGuardLauncher.Started demo = CloneGuardLauncher.checkout(out).start("demo-keep", List.of("demo", "--keep"));
    try {
      await("the --keep instructions").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .failFast("demo exited: " + demo.stderrText(), () -> !demo.process().isAlive())
          .until(() -> demo.stdoutText().contains("Press Ctrl-C"));
      Matcher config = Pattern.compile("--config (\\S+cloneguard\\.yaml) status").matcher(demo.stdoutText());
      assertThat(config.find()).as(demo.stdoutText()).isTrue();
      Path configFile = Path.of(config.group(1));

      CliRun status = CloneGuardLauncher.productJar(out).run(Duration.ofSeconds(30), "--config", configFile.toString(), "status", "--output", "json");
      assertThat(status.exitCode()).as(status.describe()).isZero();
      var dev = Observation.instance(status.json(), "dev").orElseThrow();
      assertThat(dev.path("lastFinished").path("state").asText()).as(status.describe()).isEqualTo("DONE");
      assertThat(dev.path("midServersUp").asInt()).as(status.describe()).isEqualTo(3);

      demo.process().destroy();
      assertThat(demo.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("demo stopped on SIGTERM").isTrue();
      assertThat(Files.exists(configFile.getParent())).as("temporary directory removed").isFalse();
    } finally {
      // A failed assertion must not leave the demo's daemon child running: kill it before its parent.
      demo.process().descendants().forEach(ProcessHandle::destroyForcibly);
      demo.process().destroyForcibly();
    }
  }
}
