package io.cloneguard.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.config.Secret;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.TableQuery;
import io.cloneguard.sim.RequestLog;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SeedResult;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.SimulatorExtension;
import io.cloneguard.snapshot.Snapshot;
import io.cloneguard.snapshot.SnapshotKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Verify, restore and the MID check against the simulator over real HTTP, after real simulated clones. */
class RestoreSimulatorTest {
  @RegisterExtension
  static SimulatorExtension sim = SimulatorExtension.instances("prod", "dev").configure(b -> b.midTickerPeriod(Duration.ofMillis(40)));

  @TempDir Path tmp;
  private SimInstance prod;
  private SimInstance dev;
  private PasswordEscrow escrow;
  private AuditLog audit;
  private final Clock clock = Clock.systemUTC();

  @BeforeEach
  void setUp() {
    prod = sim.instance("prod");
    dev = sim.instance("dev");
    prod.seed(Seed.midUsers(2).midServers(1));
    Path keyFile = tmp.resolve("cloneguard.key");
    SnapshotKey.generate(keyFile);
    escrow = new PasswordEscrow(tmp, SnapshotKey.load(keyFile));
    audit = new AuditLog(tmp.resolve("audit.jsonl"));
  }

  private void escrowAll(SeedResult seeded) {
    seeded.midPasswords().forEach((user, pw) -> escrow.put("dev", user, Secret.of(pw)));
  }

  /** Diff, plan and execute as the restore command does, on a fresh client logged in as dev's admin is now. */
  private RestoreResult restore(Snapshot snapshot, Set<String> users) {
    try (ServiceNowClient client = SimHarness.client(dev)) {
      return restore(snapshot, users, client);
    }
  }

  private RestoreResult restore(Snapshot snapshot, Set<String> users, ServiceNowClient client) {
    DiffReport diff = new Differ().diff(snapshot, client, "prod");
    RestorePlan plan = new RestorePlanner(clock, audit).plan(snapshot, diff, users, escrow);
    return new RestoreExecutor(audit, new SimpleMeterRegistry(), clock, 4).execute(plan, client, escrow);
  }

  private DiffReport diff(Snapshot snapshot) {
    try (ServiceNowClient client = SimHarness.client(dev)) {
      return new Differ().diff(snapshot, client, "prod");
    }
  }

  private MidReport awaitMids(Snapshot snapshot, Duration timeout) {
    try (ServiceNowClient client = SimHarness.client(dev)) {
      return new MidServerCheck(clock, io.cloneguard.servicenow.Sleeper.REAL, escrow, List.of("mid_server"))
          .await(snapshot, client, timeout, Duration.ofMillis(40));
    }
  }

  private List<String> devMidUserNames() {
    return dev.rows("sys_user", "user_nameSTARTSWITHmid.dev.").stream().map(r -> r.get("user_name")).sorted().toList();
  }

  @Test
  void restoresAFullWipeAndTheMidServersComeBackUp() {
    SeedResult seeded = dev.seed(Seed.midUsers(6).groups(2).midServers(3));
    escrowAll(seeded);
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);
    assertThat(devMidUserNames()).isEmpty();

    RestoreResult result = restore(snapshot, Set.of());

    assertThat(result.failures()).isEmpty();
    assertThat(result.warnings()).isEmpty();
    assertThat(devMidUserNames()).containsExactlyElementsOf(seeded.midUserNames());
    assertThat(dev.row("sys_user", seeded.midUserIds().get(0))).as("same sys_id as before the clone").isPresent();
    assertThat(dev.row("sys_user_group", seeded.groupIds().get(0))).isPresent();
    assertThat(dev.passwordMatches("mid.dev.01", seeded.passwordOf("mid.dev.01"))).isTrue();
    assertThat(diff(snapshot).hasGaps()).isFalse();
    MidReport mids = awaitMids(snapshot, Duration.ofSeconds(10));
    assertThat(mids.allUp()).as(String.valueOf(mids.down())).isTrue();
    assertThat(mids.agents()).hasSize(3);
  }

  @Test
  void writesNothingWhenThePreserversKeptEverything() {
    dev.seed(Seed.midUsers(4).groups(0).midServers(2));
    prod.addMidPreservers();
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);
    dev.requestLog().clear();

    RestoreResult result = restore(snapshot, Set.of());

    assertThat(result.ok()).isTrue();
    assertThat(result.outcomes()).isEmpty();
    assertThat(dev.requestLog().writes()).isZero();
  }

  @Test
  void recreatesAGroupTheCloneDeletedBeforeItsMemberships() {
    SeedResult seeded = dev.seed(Seed.midUsers(4).groups(2).midServers(2));
    prod.addMidPreservers();
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);
    DiffReport before = diff(snapshot);
    assertThat(before.gapCount("sys_user")).isZero();
    assertThat(before.gapCount("sys_user_group")).isEqualTo(2);
    assertThat(before.verdict().get(0))
        .startsWith("prod's preservers kept 4/4 MID users, 4/4 direct role grants and 0/6 group memberships on dev;")
        .contains("; group 'MID Server Users' is missing after the clone").contains("; group 'MID Group 2' is missing after the clone");
    dev.requestLog().clear();

    RestoreResult result = restore(snapshot, Set.of());

    assertThat(result.ok()).as(String.valueOf(result.failures())).isTrue();
    List<RequestLog.Entry> posts = dev.requestLog().entries().stream().filter(e -> e.method().equals("POST")).toList();
    int lastGroup = lastIndexOf(posts, "sys_user_group");
    int firstMembership = posts.stream().map(RequestLog.Entry::table).toList().indexOf("sys_user_grmember");
    assertThat(lastGroup).isGreaterThanOrEqualTo(0).isLessThan(firstMembership);
    assertThat(dev.row("sys_user_group", seeded.groupIds().get(0))).isPresent();
    assertThat(diff(snapshot).hasGaps()).isFalse();
  }

  @Test
  void restoresGrantsAndMembershipsAfterTheLegacyEngineIgnoredTheDotWalkedPreservers() {
    SeedResult seeded = dev.seed(Seed.midUsers(4).groups(1).midServers(2));
    prod.addMidPreservers();
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", true);
    DiffReport before = diff(snapshot);
    assertThat(before.table("sys_user").orElseThrow().kept()).isEqualTo(4);
    assertThat(before.verdict()).anyMatch(l -> l.contains("legacy clone engine"));

    RestoreResult result = restore(snapshot, Set.of());

    assertThat(result.ok()).as(String.valueOf(result.failures())).isTrue();
    assertThat(dev.count("sys_user_has_role", "user=" + seeded.midUserIds().get(0) + "^inherited=false")).isEqualTo(1);
    assertThat(dev.count("sys_user_grmember", "user=" + seeded.midUserIds().get(0))).isEqualTo(1);
    assertThat(diff(snapshot).hasGaps()).isFalse();
    assertThat(awaitMids(snapshot, Duration.ofSeconds(10)).allUp()).isTrue();
  }

  @Test
  void leavesASameNamedProdAccountAloneAndRestoresTheOthers() {
    SeedResult seeded = dev.seed(Seed.midUsers(3).groups(1).midServers(1));
    escrowAll(seeded);
    String prodAccount = prod.addUser("mid.dev.02", "Prod-Owned-Password-1", "mid_server");
    Map<String, String> prodRowBefore = prod.row("sys_user", prodAccount).orElseThrow();
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);
    dev.requestLog().clear();

    RestoreResult result = restore(snapshot, Set.of());

    assertThat(result.ok()).isTrue();
    assertThat(result.warnings()).anyMatch(w -> w.startsWith("user 'mid.dev.02' exists on dev with another sys_id (" + prodAccount + ")"));
    assertThat(dev.row("sys_user", prodAccount).orElseThrow()).containsAllEntriesOf(Map.of(
        "user_name", "mid.dev.02", "sys_updated_on", prodRowBefore.get("sys_updated_on")));
    assertThat(dev.requestLog().entries()).noneMatch(e -> e.path().contains(prodAccount) && !e.method().equals("GET"));
    assertThat(dev.row("sys_user", seeded.midUserIds().get(1))).isEmpty();
    assertThat(dev.row("sys_user", seeded.midUserIds().get(0))).isPresent();
    assertThat(dev.row("sys_user", seeded.midUserIds().get(2))).isPresent();
    assertThat(diff(snapshot).table("sys_user").orElseThrow().conflicts()).extracting(DiffItem::name).containsExactly("mid.dev.02");
  }

  @Test
  void restoresOnlyTheSelectedUserAndWhatItNeeds() {
    SeedResult seeded = dev.seed(Seed.midUsers(4).groups(2).midServers(2));
    escrowAll(seeded);
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);

    RestoreResult result = restore(snapshot, Set.of("mid.dev.03"));

    assertThat(result.ok()).isTrue();
    assertThat(devMidUserNames()).containsExactly("mid.dev.03");
    String user = seeded.midUserIds().get(2);
    Set<String> groupsOfUser = snapshot.memberships().stream().filter(m -> m.get("user").equals(user)).map(m -> m.get("group")).collect(Collectors.toSet());
    assertThat(dev.rows("sys_user_group").stream().map(g -> g.get("sys_id")).filter(seeded.groupIds()::contains).collect(Collectors.toSet()))
        .isEqualTo(groupsOfUser);
    assertThat(dev.count("sys_user_grmember", "user=" + user)).isEqualTo(groupsOfUser.size());
    assertThat(dev.passwordMatches("mid.dev.03", seeded.passwordOf("mid.dev.03"))).isTrue();
  }

  @Test
  void aSecondRunPlansNothingAndWritesNothing() {
    SeedResult seeded = dev.seed(Seed.midUsers(4).groups(2).midServers(2));
    escrowAll(seeded);
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);
    assertThat(restore(snapshot, Set.of()).ok()).isTrue();
    dev.requestLog().clear();

    RestoreResult again = restore(snapshot, Set.of());

    assertThat(again.outcomes()).isEmpty();
    assertThat(again.written()).isZero();
    assertThat(dev.requestLog().writes()).isZero();
  }

  @Test
  void aRerunAfterARunStoppedHalfwayCompletesWithoutDuplicates() {
    SeedResult seeded = dev.seed(Seed.midUsers(6).groups(2).midServers(3));
    escrowAll(seeded);
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);
    int gaps;
    try (ServiceNowClient client = SimHarness.client(dev)) {
      DiffReport diff = new Differ().diff(snapshot, client);
      gaps = new RestorePlanner(clock, audit).plan(snapshot, diff, Set.of(), escrow).steps().size();
    }
    dev.requestLog().clear();

    // After half the writes the instance goes away (every request answers 503), as if the host running the restore died.
    RestoreResult first;
    try (ServiceNowClient client = new OutageAfterWrites(SimHarness.client(dev), gaps / 2, c -> dev.faults().failNext(503, Integer.MAX_VALUE))) {
      first = restore(snapshot, Set.of(), client);
    }
    dev.faults().clear();
    assertThat(first.ok()).isFalse();
    assertThat(first.failures()).anyMatch(f -> f.contains("step(s) not attempted; rerun restore when dev answers again"));

    RestoreResult second = restore(snapshot, Set.of());

    assertThat(second.ok()).as(String.valueOf(second.failures())).isTrue();
    assertThat(diff(snapshot).hasGaps()).isFalse();
    // The simulator refuses a second insert of a sys_id with 403, and a duplicate under another sys_id would show as extra.
    assertThat(dev.requestLog().withStatus(403)).isZero();
    DiffReport after = diff(snapshot);
    assertThat(after.table("sys_user_has_role").orElseThrow().extra()).isEmpty();
    assertThat(after.table("sys_user_grmember").orElseThrow().extra()).isEmpty();
    assertThat(after.table("sys_user").orElseThrow().extra()).as("only the source's own MID users, copied by the clone")
        .extracting(DiffItem::name).containsExactly("mid.prod.01", "mid.prod.02");
    List<RequestLog.Entry> created = dev.requestLog().entries().stream().filter(e -> e.method().equals("POST") && e.status() == 201).toList();
    long passwordsSet = dev.requestLog().entries().stream().filter(e -> e.method().equals("PATCH") && e.status() == 200).count();
    assertThat(created.size() + passwordsSet).as("every gap written once").isEqualTo(gaps);
    assertThat(devMidUserNames()).containsExactlyElementsOf(seeded.midUserNames());
    assertThat(dev.passwordMatches("mid.dev.06", seeded.passwordOf("mid.dev.06"))).isTrue();
  }

  @Test
  void restoresTheRestAndNamesTheTableWhenMembershipsAreForbidden() {
    SeedResult seeded = dev.seed(Seed.midUsers(4).groups(2).midServers(2));
    escrowAll(seeded);
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);
    dev.faults().failNext("sys_user_grmember", 403, Integer.MAX_VALUE);

    RestoreResult result = restore(snapshot, Set.of());

    assertThat(result.ok()).isFalse();
    assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f)
        .startsWith("sys_user_grmember could not be read on dev (403 forbidden")
        .contains("give the CloneGuard account read and write access to sys_user_grmember"));
    assertThat(devMidUserNames()).containsExactlyElementsOf(seeded.midUserNames());
    assertThat(dev.count("sys_user_has_role", "user=" + seeded.midUserIds().get(1) + "^inherited=false")).isEqualTo(1);
    assertThat(dev.passwordMatches("mid.dev.02", seeded.passwordOf("mid.dev.02"))).isTrue();
  }

  @Test
  void reportsRestoredAccountsWithoutAnEscrowedPasswordAndTheirMidServersStayDown() {
    SeedResult seeded = dev.seed(Seed.midUsers(3).groups(1).midServers(3));
    escrow.put("dev", "mid.dev.01", Secret.of(seeded.passwordOf("mid.dev.01")));
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);

    RestoreResult result = restore(snapshot, Set.of());
    MidReport mids = awaitMids(snapshot, Duration.ofMillis(800));

    assertThat(result.ok()).isTrue();
    assertThat(result.warnings()).containsExactly(RestorePlanner.passwordNote("dev", "mid.dev.02"), RestorePlanner.passwordNote("dev", "mid.dev.03"));
    assertThat(result.warnings().get(0)).contains("restored, password still needs to be set on the instance to match the MID Server's config.xml");
    assertThat(mids.down()).extracting(MidStatus::userName).containsExactly("mid.dev.02", "mid.dev.03");
    assertThat(mids.down()).allSatisfy(m -> assertThat(m.cause()).startsWith("password not escrowed"));
    assertThat(mids.agents()).filteredOn(MidStatus::up).extracting(MidStatus::userName).containsExactly("mid.dev.01");
  }

  @Test
  void aDryRunMakesNoWriteRequest() {
    dev.seed(Seed.midUsers(3).groups(1).midServers(1));
    Snapshot snapshot = SimHarness.snapshot(dev);
    SimHarness.cloneAndWait(sim.simulator(), "prod", "dev", false);
    dev.requestLog().clear();

    RestorePlan plan;
    try (ServiceNowClient client = SimHarness.client(dev)) {
      plan = new RestorePlanner(clock, audit).plan(snapshot, new Differ().diff(snapshot, client), Set.of(), escrow);
    }

    assertThat(plan.steps()).isNotEmpty();
    assertThat(dev.requestLog().writes()).isZero();
    assertThat(dev.requestLog().total()).isPositive();
  }

  private static int lastIndexOf(List<RequestLog.Entry> entries, String table) {
    int last = -1;
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).table().equals(table)) {
        last = i;
      }
    }
    return last;
  }

  /** A real client that, after {@code writes} writes, triggers an outage (the test makes the simulator answer 503 from then on). */
  static final class OutageAfterWrites implements ServiceNowClient {
    private final ServiceNowClient delegate;
    private final int writes;
    private final Consumer<ServiceNowClient> outage;
    private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();

    OutageAfterWrites(ServiceNowClient delegate, int writes, Consumer<ServiceNowClient> outage) {
      this.delegate = delegate;
      this.writes = writes;
      this.outage = outage;
    }

    private <T> T counted(T result) {
      if (done.incrementAndGet() == writes) {
        outage.accept(delegate);
      }
      return result;
    }

    @Override
    public String instance() {
      return delegate.instance();
    }

    @Override
    public void forEach(TableQuery query, Consumer<Record> sink) {
      delegate.forEach(query, sink);
    }

    @Override
    public java.util.Optional<Record> get(String table, String sysId, List<String> fields) {
      return delegate.get(table, sysId, fields);
    }

    @Override
    public Record insert(String table, Map<String, String> values) {
      return counted(delegate.insert(table, values));
    }

    @Override
    public Record patch(String table, String sysId, Map<String, String> values) {
      return counted(delegate.patch(table, sysId, values));
    }

    @Override
    public long count(String table, String query) {
      return delegate.count(table, query);
    }

    @Override
    public void setPassword(String userSysId, Secret password) {
      delegate.setPassword(userSysId, password);
      counted(null);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
