package io.cloneguard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/prometheus: the alert rules pass promtool, follow the mixin conventions, and their unit tests bite. */
class AlertRulesIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path ROOT = OpsEnv.root();
  private static final Path DIR = ROOT.resolve("deploy/prometheus");
  private static final Path RULES = DIR.resolve("cloneguard-rules.yml");
  private static final Path TESTS = DIR.resolve("cloneguard-rules.test.yml");

  private static Map<String, JsonNode> alerts;

  @BeforeAll
  static void readRules() throws IOException {
    alerts = new LinkedHashMap<>();
    for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          alerts.put(rule.get("alert").asText(), rule);
        }
      }
    }
  }

  @Test
  void promtoolAcceptsTheRuleFile() {
    Path promtool = OpsEnv.requireTool("promtool", "apt-get install prometheus; .ci/run does it in CI");
    OpsEnv.Result result = OpsEnv.run(DIR, List.of(promtool.toString(), "check", "rules", RULES.toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS: " + alerts.size() + " rules found");
  }

  @Test
  void promtoolUnitTestsOfEveryAlertPass() {
    Path promtool = OpsEnv.requireTool("promtool", "apt-get install prometheus; .ci/run does it in CI");
    OpsEnv.Result result = OpsEnv.run(DIR, List.of(promtool.toString(), "test", "rules", TESTS.getFileName().toString()));
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void theRequiredAlertsExistWithTheirExpressions() {
    assertThat(alerts)
        .containsKeys(
            "CloneGuardDown", "CloneGuardAbsent", "CloneGuardBaselineSnapshotStale", "CloneGuardInstanceUnreachable",
            "CloneGuardGapsRemain", "CloneGuardRestoreWritesFailed", "CloneGuardCloneWorkflowFailed",
            "CloneGuardMidServersDown", "CloneGuardPreserversMissing", "CloneGuardOwnAccountNotPreserved");
    assertThat(expr("CloneGuardAbsent")).contains("absent(up{job=\"cloneguard\"})");
    assertThat(alerts.get("CloneGuardAbsent").path("for").asText()).isNotEmpty();
    assertThat(expr("CloneGuardBaselineSnapshotStale"))
        .contains("time() - cloneguard_snapshot_last_success_timestamp_seconds > 26 * 3600");
    assertThat(expr("CloneGuardInstanceUnreachable")).contains("cloneguard_instance_up == 0");
    assertThat(alerts.get("CloneGuardInstanceUnreachable").path("for").asText()).isEqualTo("10m");
    assertThat(expr("CloneGuardGapsRemain")).contains("cloneguard_gaps > 0");
    assertThat(expr("CloneGuardRestoreWritesFailed")).contains("cloneguard_restore_writes_total{outcome=\"failed\"}");
    assertThat(expr("CloneGuardCloneWorkflowFailed")).contains("cloneguard_clone_workflow_failures_total");
    assertThat(expr("CloneGuardMidServersDown")).contains("cloneguard_mid_servers{status=\"down\"} > 0");
    assertThat(expr("CloneGuardPreserversMissing")).contains("cloneguard_preflight_warnings{check=\"preservers\"} == 1");
    assertThat(expr("CloneGuardOwnAccountNotPreserved"))
        .contains("cloneguard_preflight_warnings{check=\"own_account_preserved\"} == 1");
  }

  @Test
  void everyAlertFollowsTheMixinConventionsAndLinksAnExistingRunbookSection() {
    Set<String> anchors = runbookAnchors();
    for (Map.Entry<String, JsonNode> e : alerts.entrySet()) {
      String name = e.getKey();
      JsonNode rule = e.getValue();
      assertThat(name).as("alert name").matches("CloneGuard[A-Z][A-Za-z]+");
      assertThat(rule.path("labels").path("severity").asText()).as(name + " severity").isIn("critical", "warning");
      assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank().endsWith(".");
      assertThat(rule.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
      String anchor = name.toLowerCase(Locale.ROOT);
      assertThat(rule.path("annotations").path("runbook_url").asText())
          .as(name + " runbook_url")
          .isEqualTo("file:///opt/cloneguard/docs/runbook.md#" + anchor);
      assertThat(anchors).as("docs/runbook.md has a '## " + name + "' section").contains(anchor);
    }
  }

  @Test
  void rulesUseOnlyDocumentedMetrics() {
    Set<String> documented = PromQl.documentedMetrics(ROOT);
    for (Map.Entry<String, JsonNode> e : alerts.entrySet()) {
      for (String metric : PromQl.metricNames(e.getValue().path("expr").asText())) {
        assertThat(PromQl.isDocumented(metric, documented))
            .as(e.getKey() + " uses " + metric + ", which docs/operations.md does not list")
            .isTrue();
      }
    }
  }

  @Test
  void everyAlertIsUnitTestedBothFiringAndSilent() throws IOException {
    Map<String, Integer> firing = new LinkedHashMap<>();
    Map<String, Integer> silent = new LinkedHashMap<>();
    for (JsonNode test : YAML.readTree(TESTS.toFile()).path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        String alert = check.path("alertname").asText();
        Map<String, Integer> bucket = check.path("exp_alerts").isEmpty() ? silent : firing;
        bucket.merge(alert, 1, Integer::sum);
      }
    }
    assertThat(firing.keySet()).as("alerts with a firing test").containsExactlyInAnyOrderElementsOf(alerts.keySet());
    assertThat(silent.keySet()).as("alerts with a silent test").containsExactlyInAnyOrderElementsOf(alerts.keySet());
  }

  /**
   * The unit tests must depend on each alert's expression: with the expression replaced by one that never
   * matches, promtool test rules has to fail for that alert. Guards against tests that pass vacuously.
   */
  @Test
  void unitTestsFailWhenAnyAlertExpressionIsBroken(@TempDir Path tmp) {
    Path promtool = OpsEnv.requireTool("promtool", "apt-get install prometheus; .ci/run does it in CI");
    // One promtool run per alert, two at a time (they are independent; each gets its own directory).
    List<String> survivors = alerts.keySet().parallelStream()
        .filter(alert -> unitTestsStillPass(promtool, tmp.resolve(alert), alert))
        .sorted()
        .toList();
    assertThat(survivors).as("alerts whose unit tests still pass with a never-firing expression").isEmpty();
  }

  private static boolean unitTestsStillPass(Path promtool, Path dir, String alert) {
    try {
      Files.createDirectories(dir);
      Files.copy(TESTS, dir.resolve(TESTS.getFileName()));
      JsonNode tree = YAML.readTree(RULES.toFile());
      for (JsonNode group : tree.path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          if (alert.equals(rule.path("alert").asText())) {
            ((ObjectNode) rule).put("expr", "vector(1) == 0");
          }
        }
      }
      YAML.writeValue(dir.resolve(RULES.getFileName()).toFile(), tree);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot prepare the broken rule file for " + alert + " in " + dir, e);
    }
    OpsEnv.Result result = OpsEnv.run(dir, List.of(promtool.toString(), "test", "rules", TESTS.getFileName().toString()));
    return result.exitCode() == 0 || !result.output().contains("alertname: " + alert);
  }

  private static String expr(String alert) {
    return alerts.get(alert).path("expr").asText().replaceAll("\\s+", " ");
  }

  /** GitHub-style anchors of the runbook's second-level headings. */
  private static Set<String> runbookAnchors() {
    Set<String> anchors = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^## (.+)$").matcher(OpsEnv.read(ROOT.resolve("docs/runbook.md")));
    while (m.find()) {
      anchors.add(m.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-'));
    }
    return anchors;
  }
}
