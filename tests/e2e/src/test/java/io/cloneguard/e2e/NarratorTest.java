package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NarratorTest {
  private final AtomicLong nanos = new AtomicLong();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @Test
  void pipedOutputIsPlainLinesWithTimesAndNoTerminalControls() {
    try (Narrator narrator = new Narrator(out, false, nanos::get)) {
      nanos.set(1_500_000_000L);
      narrator.waiting("the clone request");
      narrator.milestone("clone request seen", "prod -> dev");
      nanos.set(3_250_000_000L);
      narrator.milestone("snapshot taken", "10 users");
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).isEqualTo("[  1.5s] clone request seen: prod -> dev\n[  3.3s] snapshot taken: 10 users\n");
    assertThat(text).doesNotContain("\u001b").doesNotContain("\r");
  }

  @Test
  void summaryListsEveryMilestoneWithTimeSinceStartAndSincePrevious() {
    Narrator narrator = new Narrator(out, false, nanos::get);
    nanos.set(2_000_000_000L);
    narrator.milestone("snapshot taken", "10 users");
    nanos.set(9_000_000_000L);
    narrator.milestone("restored", "24 writes");

    String table = narrator.summary().render();

    assertThat(table).contains("snapshot taken").contains("restored");
    assertThat(table.lines().filter(l -> l.contains("restored")).findFirst().orElseThrow()).contains("9.0 s").contains("7.0 s").contains("24 writes");
  }

  @Test
  void liveDisplayClearsTheSpinnerLineBeforeEachMilestone() {
    try (Narrator narrator = new Narrator(out, true, nanos::get)) {
      narrator.waiting("MID Servers");
      narrator.milestone("MID Servers Up", "3 of 3");
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\r\u001b[2K").contains("MID Servers Up: 3 of 3");
  }
}
