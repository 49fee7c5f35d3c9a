package io.cloneguard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {
  @Test
  void findsMetricNamesButNotFunctionsLabelsKeywordsOrDurations() {
    assertThat(PromQl.metricNames(
            "sum by (instance, table) (rate(cloneguard_http_requests_seconds_count{instance=~\"$instance\", outcome!=\"success\"}[$__rate_interval]))"
                + " / on(instance) group_left max(cloneguard_http_requests_seconds_max offset 5m)"))
        .containsExactlyInAnyOrder("cloneguard_http_requests_seconds_count", "cloneguard_http_requests_seconds_max");
    assertThat(PromQl.metricNames("absent(up{job=\"cloneguard\"})")).containsExactly("up");
    assertThat(PromQl.metricNames("time() - cloneguard_snapshot_last_success_timestamp_seconds > 26 * 3600"))
        .containsExactly("cloneguard_snapshot_last_success_timestamp_seconds");
    assertThat(PromQl.metricNames("a_total > 0 unless a_total offset 30m or b_total")).containsExactly("a_total", "b_total");
  }

  @Test
  void summarySeriesAndFamiliesCountAsDocumented() {
    Set<String> documented = Set.of("cloneguard_snapshot_duration_seconds", "jvm_", "up");
    assertThat(PromQl.isDocumented("cloneguard_snapshot_duration_seconds_sum", documented)).isTrue();
    assertThat(PromQl.isDocumented("jvm_memory_used_bytes", documented)).isTrue();
    assertThat(PromQl.isDocumented("cloneguard_snapshot_age_seconds", documented)).isFalse();
  }
}
