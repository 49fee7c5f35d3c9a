package io.cloneguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchRunnerTest {
  @Test
  void nestedResultsBecomeDottedFigures() {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("rows", 500);
    result.put("ratio", Map.of("vsIdeal", 1.25));
    Map<String, Object> flat = new LinkedHashMap<>();

    BenchRunner.flatten("", result, flat::put);

    assertThat(flat).containsExactly(Map.entry("rows", 500), Map.entry("ratio.vsIdeal", 1.25));
  }

  @Test
  void discoversOnlyClassesThatHaveTheBenchmarkEntryPoint() {
    List<String> found = BenchRunner.discover();
    assertThat(found).allMatch(n -> n.endsWith("Benchmark"));
    assertThat(found).doesNotContain("BenchRunner");
  }

  @Test
  void formatsFiguresReadably() {
    assertThat(BenchRunner.format(1.23456)).isEqualTo("1.23");
    assertThat(BenchRunner.format(2345.6)).isEqualTo("2346");
    assertThat(BenchRunner.format(42)).isEqualTo("42");
  }
}
