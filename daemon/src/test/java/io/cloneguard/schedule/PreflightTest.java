package io.cloneguard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.metrics.CloneGuardMetrics;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.sim.Preserver;
import io.cloneguard.sim.Seed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {
  @TempDir Path dir;
  private DaemonHarness h;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Map<String, ServiceNowClient> clients = new HashMap<>();

  @AfterEach
  void tearDown() {
    clients.values().forEach(ServiceNowClient::close);
    if (h != null) {
      h.close();
    }
  }

  private List<Preflight.Report> run(CloneGuardConfig config, CloneGuardMetrics metrics) {
    for (InstanceConfig i : config.instances()) {
      clients.computeIfAbsent(i.name(), n -> DaemonHarness.fastClient(i, config, registry));
    }
    return new Preflight(config, clients::get, metrics, Clock.systemUTC()).run(config.instances());
  }

  private static Preflight.Check check(List<Preflight.Report> reports, String instance, String check) {
    return reports.stream().flatMap(r -> r.checks().stream()).filter(c -> c.instance().equals(instance) && c.check().equals(check))
        .findFirst().orElseThrow(() -> new AssertionError("no check " + check + " for " + instance + " in " + reports));
  }

  @Test
  void passesEveryCheckWhenPreserversKeepTheMidAccountsAndCloneGuardsOwn() {
    h = new DaemonHarness(dir, "dev");
    h.target("dev").seed(Seed.midUsers(2).midServers(1));
    h.prod().addMidPreservers();
    h.prod().addPreserver(new Preserver("CloneGuard account", "sys_user", "user_name=" + DaemonHarness.USER));

    List<Preflight.Report> reports = run(h.config(Policy.RESTORE), null);

    assertThat(reports.stream().flatMap(r -> r.checks().stream()).filter(c -> c.status() != Preflight.Status.OK)).isEmpty();
    assertThat(Preflight.exitCode(reports)).isZero();
    assertThat(check(reports, "dev", "write_access").status()).isEqualTo(Preflight.Status.OK);
    assertThat(h.target("dev").rows("sys_user")).as("probes write nothing").noneMatch(r -> r.get("sys_id").startsWith("0000"));
  }

  @Test
  void namesExactlyWhichMidPreserversAreMissingOrHaveAnotherCondition() {
    h = new DaemonHarness(dir, "dev");
    h.prod().setPreservers(List.of(new Preserver("MID users", "sys_user", "roles=mid_server"),
        new Preserver("MID roles", "sys_user_has_role", "user.roles=itil")));

    Preflight.Check c = check(run(h.config(Policy.RESTORE), null), "prod", "preservers");

    assertThat(c.status()).isEqualTo(Preflight.Status.WARN);
    assertThat(c.message()).contains("missing: sys_user_grmember with condition user.roles=mid_server")
        .contains("different: sys_user_has_role has condition 'user.roles=itil', expected user.roles=mid_server")
        .doesNotContain("missing: sys_user with");
  }

  @Test
  void warnsThatCloneGuardWillBeLockedOutWhenNoPreserverKeepsItsOwnAccount() {
    h = new DaemonHarness(dir, "dev");
    h.prod().addMidPreservers();
    CloneGuardMetrics metrics = new CloneGuardMetrics(registry);

    Preflight.Check c = check(run(h.config(Policy.RESTORE), metrics), "dev", "own_account_preserved");

    assertThat(c.status()).isEqualTo(Preflight.Status.WARN);
    assertThat(c.message()).contains("svc.cloneguard").contains("locked out of dev").contains("user_name=svc.cloneguard");
    assertThat(metrics.value("cloneguard.preflight.warnings", "instance", "dev", "check", "own_account_preserved")).isEqualTo(1);
    assertThat(metrics.value("cloneguard.preflight.warnings", "instance", "prod", "check", "preservers")).isZero();
  }

  @Test
  void missingKeyFileAndRefusedCredentialsAreFailuresWithExitCode3() throws Exception {
    h = new DaemonHarness(dir, "dev");
    Files.delete(dir.resolve("cloneguard.key"));
    CloneGuardConfig good = h.config(Policy.RESTORE);
    List<InstanceConfig> instances = new ArrayList<>(good.instances());
    InstanceConfig dev = instances.get(1);
    instances.set(1, TestConfigs.instance("dev", dev.url(), DaemonHarness.USER, "wrong-password-123", false, true, Policy.RESTORE));
    CloneGuardConfig config = new CloneGuardConfig(good.file(), good.storage(), instances, good.cloneRequests(), good.http(), good.schedule(),
        good.scheduler(), good.metrics());

    List<Preflight.Report> reports = run(config, null);

    assertThat(check(reports, "local", "key_file").status()).isEqualTo(Preflight.Status.FAIL);
    assertThat(check(reports, "local", "key_file").message()).contains("cloneguard keygen");
    assertThat(check(reports, "dev", "credentials").status()).isEqualTo(Preflight.Status.FAIL);
    assertThat(check(reports, "dev", "credentials").message()).contains("401").doesNotContain("wrong-password-123");
    assertThat(Preflight.exitCode(reports)).isEqualTo(3);
  }
}
