package io.cloneguard.servicenow;

import static io.cloneguard.servicenow.TestConfigs.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.Secret;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.SimulatorExtension;
import io.cloneguard.sim.CloneHandle;
import io.cloneguard.sim.CloneOptions;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.Simulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client against the in-process simulator over real loopback HTTP. */
class SimulatorIntegrationTest {
  @RegisterExtension static final SimulatorExtension SIM = SimulatorExtension.instances("dev");

  private final FakeTime time = new FakeTime();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static InstanceConfig config(SimInstance dev, AuthConfig auth) {
    return new InstanceConfig("dev", dev.url(), auth, false, true, Policy.RESTORE, List.of("mid_server"));
  }

  private ServiceNowClient client(HttpConfig http) {
    SimInstance dev = SIM.instance("dev");
    return ServiceNowClients.create(config(dev, AuthConfig.basic(dev.adminUser(), Secret.of(dev.adminPassword()))), http, registry, time.runtime());
  }

  private static TableQuery midUsers(String query) {
    return TableQuery.of("sys_user", query).withFields("user_name", "roles")
        .requireEach("user holds mid_server", r -> List.of(r.get("roles").split(",")).contains("mid_server"));
  }

  @Test
  void readsEveryMidUserInParallelPagesWithRealLatency() {
    SimInstance dev = SIM.instance("dev");
    dev.seed(Seed.midUsers(45).ordinaryUsers(30));
    dev.faults().latency(Duration.ofMillis(20), Duration.ofMillis(10));
    dev.requestLog().clear();
    try (ServiceNowClient c = client(http(4, 10, 2))) {
      List<Record> rows = c.list(midUsers("roles=mid_server"));
      assertThat(rows).hasSize(dev.count("sys_user", "roles=mid_server")).hasSize(45);
      assertThat(rows).extracting(Record::sysId).isSorted().doesNotHaveDuplicates();
      assertThat(c.count("sys_user", "roles=mid_server")).isEqualTo(45);
    }
    assertThat(dev.requestLog().count("GET", "sys_user")).isEqualTo(5);
  }

  @Test
  void misspeltFieldIsCaughtByTheGuardInsteadOfReturningEveryUser() {
    SimInstance dev = SIM.instance("dev");
    dev.seed(Seed.midUsers(3).ordinaryUsers(5));
    try (ServiceNowClient c = client(http(2, 10, 0))) {
      assertThatThrownBy(() -> c.list(midUsers("rolez=mid_server")))
          .isInstanceOf(ServiceNowException.UnexpectedRow.class)
          .hasMessageContaining("rolez=mid_server").hasMessageContaining("sys_user");
    }
  }

  @Test
  void insertKeepsTheSysIdPatchUpdatesAndSetPasswordStoresAPassword() {
    SimInstance dev = SIM.instance("dev");
    String groupId = "0123456789abcdef0123456789abcdef";
    try (ServiceNowClient c = client(http(2, 10, 0))) {
      Map<String, String> group = new LinkedHashMap<>();
      group.put("sys_id", groupId);
      group.put("name", "MID Servers – Zürich");
      assertThat(c.insert("sys_user_group", group).sysId()).isEqualTo(groupId);
      assertThat(c.get("sys_user_group", groupId, List.of("name")).orElseThrow().get("name")).isEqualTo("MID Servers – Zürich");

      String userId = c.insert("sys_user", Map.of("user_name", "mid.dev.restored", "active", "false")).sysId();
      assertThat(c.patch("sys_user", userId, Map.of("active", "true")).get("active")).isEqualTo("true");
      c.setPassword(userId, Secret.of("Restored-Passw0rd!"));
    }
    assertThat(dev.passwordMatches("mid.dev.restored", "Restored-Passw0rd!")).isTrue();
    assertThat(dev.row("sys_user_group", groupId)).isPresent();
  }

  @Test
  void retriesThroughRateLimitMaintenanceAndResetsUsingTheServersRetryAfter() {
    SimInstance dev = SIM.instance("dev");
    dev.seed(Seed.midUsers(5));
    dev.faults().rateLimitNext(2, 4).failNext(503, 1).resetNext(1);
    try (ServiceNowClient c = client(http(1, 10, 5))) {
      assertThat(c.list(midUsers("roles=mid_server"))).hasSize(5);
    }
    assertThat(time.sleeps()).hasSize(4).startsWith(Duration.ofSeconds(4), Duration.ofSeconds(4));
  }

  @Test
  void htmlInsteadOfJsonIsAnInvalidResponse() {
    SIM.instance("dev").faults().htmlNext(1);
    try (ServiceNowClient c = client(http(1, 10, 3))) {
      assertThatThrownBy(() -> c.count("sys_user", "")).isInstanceOf(ServiceNowException.InvalidResponse.class)
          .hasMessageContaining("text/html");
    }
  }

  @Test
  void wrongPasswordIsAnAuthenticationFailure() {
    SimInstance dev = SIM.instance("dev");
    var cfg = config(dev, AuthConfig.basic(dev.adminUser(), Secret.of("not-the-password")));
    try (ServiceNowClient c = ServiceNowClients.create(cfg, http(1, 10, 3), registry, time.runtime())) {
      assertThatThrownBy(() -> c.count("sys_user", "")).isInstanceOf(ServiceNowException.AuthenticationFailed.class)
          .hasMessageContaining("clone");
    }
  }

  @Test
  void oauthTokenThatExpiredOnTheInstanceIsRefreshedAfterOne401() {
    FakeTime instanceClock = new FakeTime(); // the instance's clock; the client's own clock stays put
    try (Simulator sim = Simulator.builder().instances("dev").clock(instanceClock).start()) {
      SimInstance dev = sim.instance("dev");
      dev.addOAuthClient("cloneguard", "oauth-client-secret", null);
      var cfg = config(dev, AuthConfig.oauth("cloneguard", Secret.of("oauth-client-secret"), dev.adminUser(), Secret.of(dev.adminPassword())));
      try (ServiceNowClient c = ServiceNowClients.create(cfg, http(2, 10, 0), registry, time.runtime())) {
        long before = c.count("sys_user", "");
        instanceClock.advance(Duration.ofHours(1)); // the instance now considers the access token expired
        assertThat(c.count("sys_user", "")).isEqualTo(before);
      }
      assertThat(dev.requestLog().withStatus(401)).isEqualTo(1);
      assertThat(dev.requestLog().entries()).filteredOn(e -> e.endpoint().equals("oauth")).hasSize(2);
    }
  }

  @Test
  void clientSideRateLimitKeepsUnderTheInstanceBudget() {
    SimInstance dev = SIM.instance("dev");
    dev.faults().rateLimit(5, 1);
    HttpConfig h = TestConfigs.withRate(http(2, 10, 0), 4);
    try (ServiceNowClient c = ServiceNowClients.create(config(dev, AuthConfig.basic(dev.adminUser(), Secret.of(dev.adminPassword()))),
        h, registry, ClientRuntime.system())) {
      for (int i = 0; i < 6; i++) {
        c.count("sys_user", ""); // would be a RateLimited error (maxRetries 0) on any 429
      }
    }
    assertThat(dev.requestLog().withStatus(429)).isZero();
  }

  @Test
  void cloneInProgressIsUnavailableAndAfterwardsTheWipedAccountIsAnAuthenticationFailure() {
    try (Simulator sim = Simulator.start("prod", "dev")) {
      SimInstance dev = sim.instance("dev");
      var cfg = config(dev, AuthConfig.basic(dev.adminUser(), Secret.of(dev.adminPassword())));
      try (ServiceNowClient c = ServiceNowClients.create(cfg, http(1, 10, 2), registry, time.runtime())) {
        c.count("sys_user", "");
        CloneHandle clone = sim.clone("prod", "dev", CloneOptions.defaults().phaseDuration(Duration.ofMillis(400)));
        clone.awaitState("Active", Duration.ofSeconds(10));
        assertThatThrownBy(() -> c.count("sys_user", ""))
            .isInstanceOf(ServiceNowException.Unavailable.class).hasMessageContaining("dev").hasMessageContaining("503");
        clone.awaitState("Completed", Duration.ofSeconds(10));
        // dev's admin now has prod's password: the account this client logs in with was replaced.
        assertThatThrownBy(() -> c.count("sys_user", ""))
            .isInstanceOf(ServiceNowException.AuthenticationFailed.class).hasMessageContaining("clone");
      }
    }
  }

  @Test
  void pagingRidesOutTheInstancesRateLimitBudgetByHonouringRetryAfter() {
    SimInstance dev = SIM.instance("dev");
    dev.seed(Seed.midUsers(40));
    dev.faults().rateLimit(3, 1);
    // Real time: the budget refills in real seconds, so the Retry-After wait must be real too.
    try (ServiceNowClient c = ServiceNowClients.create(config(dev, AuthConfig.basic(dev.adminUser(), Secret.of(dev.adminPassword()))),
        http(4, 10, 4), registry, ClientRuntime.system())) {
      assertThat(c.list(midUsers("roles=mid_server"))).hasSize(40);
      assertThat(registry.find(ClientMetrics.RETRIES).tag("reason", "rate_limited").counter()).isNotNull()
          .satisfies(counter -> assertThat(counter.count()).isPositive());
    }
    assertThat(dev.requestLog().withStatus(429)).isPositive();
  }
}
