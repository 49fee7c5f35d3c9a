package io.cloneguard.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.Secret;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowClients;
import io.cloneguard.servicenow.TableQuery;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SeedResult;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.SimulatorExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** Capture over real HTTP against the simulator, through the real client. */
class SnapshotCaptureSimulatorTest {
  @RegisterExtension static SimulatorExtension sim = SimulatorExtension.instances("dev");

  private SimInstance dev;
  private SeedResult seeded;
  private String viaGroupOnly;
  private String viaContainment;
  private String ordinary;
  private final SnapshotCapture capture = new SnapshotCapture(Clock.systemUTC(), "test", 4, new Random(3));

  static HttpConfig http(int pageSize) {
    return new HttpConfig(4, pageSize, Duration.ofSeconds(5), Duration.ofSeconds(20), 0, null, null, null, 0, Duration.ofSeconds(1));
  }

  static InstanceConfig config(SimInstance instance, boolean cloneSource) {
    return new InstanceConfig(instance.name(), instance.url(), AuthConfig.basic(instance.adminUser(), Secret.of(instance.adminPassword())),
        cloneSource, true, Policy.RESTORE, List.of("mid_server"));
  }

  @BeforeEach
  void seed() {
    dev = sim.instance("dev");
    seeded = dev.seed(Seed.midUsers(6).groups(3).ordinaryUsers(4).midServers(2));
    // holds mid_server only through the "MID Server Users" group (which holds mid_server)
    viaGroupOnly = dev.addUser("mid.group.only", "pw-group-only-1");
    dev.addMember(viaGroupOnly, seeded.groupIds().get(0));
    // holds mid_server only because mid_bundle contains it
    String bundle = dev.roleId("mid_bundle");
    dev.put("sys_user_role_contains", Map.of("role", bundle, "contains", dev.roleId("mid_server")));
    viaContainment = dev.addUser("mid.contained", "pw-contained-1", "mid_bundle");
    ordinary = dev.addUser("jane.doe", "pw-jane-1", "itil");
    dev.addMember(ordinary, dev.addGroup("Service Desk", "itil"));
    dev.addMidPreservers();
  }

  private Snapshot captureDev(int pageSize, boolean cloneSource) {
    try (ServiceNowClient client = ServiceNowClients.create(config(dev, cloneSource), http(pageSize), new SimpleMeterRegistry())) {
      return capture.capture(client, config(dev, cloneSource), "manual");
    }
  }

  private static Set<String> ids(List<Record> rows) {
    return rows.stream().map(Record::sysId).collect(Collectors.toSet());
  }

  private Set<String> simIds(String table, String query) {
    return dev.rows(table, query).stream().map(r -> r.get("sys_id")).collect(Collectors.toSet());
  }

  @Test
  void capturesUsersHoldingMidServerDirectlyThroughAGroupAndThroughContainment() {
    Snapshot s = captureDev(5, true); // a small page size, so every table is read over several pages

    Set<String> expectedUsers = new HashSet<>(seeded.midUserIds());
    expectedUsers.add(viaGroupOnly);
    expectedUsers.add(viaContainment);
    assertThat(ids(s.users())).isEqualTo(expectedUsers).doesNotContain(ordinary).doesNotContain(seeded.ordinaryUserIds().toArray(String[]::new));
    String in = String.join(",", expectedUsers);
    assertThat(ids(s.roleGrants())).isEqualTo(simIds("sys_user_has_role", "userIN" + in));
    assertThat(ids(s.memberships())).isEqualTo(simIds("sys_user_grmember", "userIN" + in));
    Set<String> groups = s.memberships().stream().map(m -> m.get("group")).collect(Collectors.toSet());
    assertThat(ids(s.groups())).isEqualTo(groups).hasSize(3);
    assertThat(ids(s.groupRoles())).isEqualTo(simIds("sys_group_has_role", "groupIN" + String.join(",", groups)));
    assertThat(s.roles()).extracting(r -> r.get("name")).contains("mid_server", "soap", "mid_bundle").doesNotContain("itil", "");
    assertThat(s.midServers()).extracting(r -> r.get("name")).containsExactlyInAnyOrder("MID-dev-1", "MID-dev-2");
    assertThat(s.preservers()).extracting(r -> r.get("table")).contains("sys_user", "sys_user_has_role", "sys_user_grmember");
  }

  @Test
  void keepsWhatRestoreNeedsToTellDirectFromInheritedGrants() {
    Snapshot s = captureDev(1000, false);

    Record direct = s.roleGrants().stream()
        .filter(g -> g.get("user").equals(viaContainment) && g.get("role").equals(dev.roleId("mid_bundle"))).findFirst().orElseThrow();
    Record contained = s.roleGrants().stream()
        .filter(g -> g.get("user").equals(viaContainment) && g.get("role").equals(dev.roleId("mid_server"))).findFirst().orElseThrow();
    Record throughGroup = s.roleGrants().stream()
        .filter(g -> g.get("user").equals(viaGroupOnly) && g.get("role").equals(dev.roleId("mid_server"))).findFirst().orElseThrow();
    assertThat(direct.get("inherited")).isEqualTo("false");
    assertThat(contained.get("inherited")).isEqualTo("true");
    assertThat(throughGroup.get("inherited")).isEqualTo("true");
    assertThat(throughGroup.get("granted_by")).isEqualTo(seeded.groupIds().get(0));
    assertThat(s.users()).allSatisfy(u -> assertThat(u.values()).doesNotContainKey("user_password"));
    assertThat(s.preservers()).isEmpty();
  }

  @Test
  void capturedSnapshotIsStoredAndReadBackIdentical(@TempDir Path tmp) {
    SnapshotKey.generate(tmp.resolve("k"));
    SnapshotStore store = new SnapshotStore(tmp.resolve("storage"), SnapshotKey.load(tmp.resolve("k")));
    Snapshot s = captureDev(1000, true);

    SnapshotInfo info = store.save(s);

    assertThat(store.load(info.ref())).isEqualTo(s);
    assertThat(info.counts().get("sys_user")).isEqualTo(8);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({"sys_user, roles=, rolez=", "sys_user_has_role, user.roles=, user.rolez=", "sys_user_grmember, user.roles=, user.rolez=",
      "sys_user_has_role, role.nameIN, role.nameeIN"})
  void allRowsGotchaFromTheInstanceIsCaught(String table, String from, String to) {
    // The instance drops a term naming an unknown field and runs the rest: every row of the table comes back.
    InstanceConfig config = config(dev, false);
    try (ServiceNowClient real = ServiceNowClients.create(config, http(1000), new SimpleMeterRegistry());
        ServiceNowClient misspelling = new Misspelling(real, table, from, to)) {
      assertThatThrownBy(() -> capture.capture(misspelling, config, "manual"))
          .isInstanceOf(SnapshotException.class)
          .hasMessageStartingWith("snapshot of dev not taken: reading " + table + " returned an unexpected row")
          .hasMessageContaining("the encoded query was probably ignored in part");
    }
  }

  @Test
  void failedReadNamesTheTable() {
    dev.faults().failNext("sys_user_grmember", 403, Integer.MAX_VALUE);

    assertThatThrownBy(() -> captureDev(1000, false))
        .isInstanceOf(SnapshotException.class)
        .hasMessageStartingWith("snapshot of dev not taken: reading sys_user_grmember failed:");
  }

  /** A client that misspells a field in one table's queries, as a typo in a query would. */
  private record Misspelling(ServiceNowClient real, String table, String from, String to) implements ServiceNowClient {
    @Override
    public String instance() {
      return real.instance();
    }

    @Override
    public void forEach(TableQuery q, Consumer<Record> sink) {
      TableQuery sent = q.table().equals(table)
          ? new TableQuery(q.table(), q.query().replace(from, to), q.fields(), q.guardDescription(), q.guard())
          : q;
      real.forEach(sent, sink);
    }

    @Override
    public Optional<Record> get(String t, String sysId, List<String> fields) {
      return real.get(t, sysId, fields);
    }

    @Override
    public Record insert(String t, Map<String, String> values) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Record patch(String t, String sysId, Map<String, String> values) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long count(String t, String query) {
      return real.count(t, query);
    }

    @Override
    public void setPassword(String userSysId, Secret password) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }
}
