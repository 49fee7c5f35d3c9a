package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final String TEXT = """
      # HELP cloneguard_gaps gaps
      # TYPE cloneguard_gaps gauge
      cloneguard_gaps{instance="dev",table="sys_user"} 10.0
      cloneguard_gaps{instance="dev",table="sys_user_grmember"} 7.0
      cloneguard_gaps{instance="test",table="sys_user"} 0.0
      cloneguard_build_info{commit="abc",version="0.1.0"} 1
      """;

  @Test
  void readsOneSampleByLabelsInAnyOrder() {
    assertThat(Metrics.value(TEXT, "cloneguard_gaps", "table=sys_user", "instance=dev")).contains(10.0);
  }

  @Test
  void sumsSamplesWhenSeveralMatch() {
    assertThat(Metrics.value(TEXT, "cloneguard_gaps", "instance=dev")).contains(17.0);
  }

  @Test
  void isEmptyWhenNoSampleMatches() {
    assertThat(Metrics.value(TEXT, "cloneguard_gaps", "instance=prod")).isEmpty();
    assertThat(Metrics.value(TEXT, "cloneguard_nothing")).isEmpty();
  }
}
