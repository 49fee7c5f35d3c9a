package io.cloneguard.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.ScheduleConfig;
import io.cloneguard.config.Secret;
import io.cloneguard.restore.PasswordEscrow;
import io.cloneguard.sim.CloneHandle;
import io.cloneguard.sim.CloneOptions;
import io.cloneguard.sim.CloneOutcome;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SeedResult;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.snapshot.SnapshotKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon against the simulator over real HTTP, with a real H2 file: one clone scenario per
 * test. Intervals are short (poll 200 ms, settle 0 s + 2 polls, MID ticker 100 ms, clone steps 400 ms).
 */
class CloneWorkflowTest {
  private static final List<WorkflowState> HAPPY_PATH = List.of(WorkflowState.DETECTED, WorkflowState.PRE_SNAPSHOT_TAKEN,
      WorkflowState.CLONE_RUNNING, WorkflowState.CLONE_COMPLETED, WorkflowState.SETTLED, WorkflowState.VERIFIED, WorkflowState.RESTORED,
      WorkflowState.MIDS_UP, WorkflowState.DONE);

  @TempDir Path dir;
  private DaemonHarness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private static CloneOptions phases(CloneOutcome outcome) {
    return CloneOptions.defaults().phaseDuration(Duration.ofMillis(400)).outcome(outcome);
  }

  private static List<WorkflowState> states(Daemon d, String id) {
    return d.workflows().transitions(id).stream().map(WorkflowStore.Transition::to).toList();
  }

  private static Workflow only(Daemon d, String target) {
    await().atMost(Duration.ofSeconds(10)).until(() -> !d.workflows().all(target).isEmpty());
    List<Workflow> all = d.workflows().all(target);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private static Workflow awaitState(Daemon d, String id, WorkflowState state) {
    await().atMost(Duration.ofSeconds(30)).until(() -> d.workflows().find(id).map(w -> w.state() == state).orElse(false));
    return d.workflows().find(id).orElseThrow();
  }

  /** Seeds MID users and Servers on the target and escrows their passwords, as an operator would with 'cloneguard escrow'. */
  private SeedResult seedTarget(String name, Seed seed) {
    SimInstance t = h.target(name);
    SeedResult r = t.seed(seed);
    PasswordEscrow escrow = new PasswordEscrow(dir, SnapshotKey.load(dir.resolve("cloneguard.key")));
    for (String user : r.midUserNames()) {
      escrow.put(name, user, Secret.of(r.passwordOf(user)));
    }
    return r;
  }

  private static void awaitMidServersUp(SimInstance t, SeedResult r) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (String mid : r.midServerNames()) {
        assertThat(t.midServerStatus(mid)).as(mid).isEqualTo("Up");
      }
    });
  }

  private static String get(Daemon d, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.metricsPort() + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  @Test
  void announcedCloneWithCompletePreserversEndsDoneWithoutAWrite() {
    h = new DaemonHarness(dir, "dev");
    SeedResult seeded = seedTarget("dev", Seed.midUsers(3).groups(0).midServers(2));
    h.prod().addMidPreservers();
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);
    h.target("dev").requestLog().clear();

    h.sim.clone("prod", "dev", phases(CloneOutcome.COMPLETED));
    Workflow w = awaitState(d, only(d, "dev").id(), WorkflowState.DONE);

    assertThat(states(d, w.id())).containsExactlyElementsOf(HAPPY_PATH);
    assertThat(w.gaps()).isZero();
    assertThat(w.writes()).isZero();
    assertThat(h.target("dev").requestLog().writes()).isZero();
    awaitMidServersUp(h.target("dev"), seeded);
  }

  @Test
  void restoresMidAccountsWhenTheSourceHasNoPreserversAndTheMidServersComeBackUp() throws Exception {
    h = new DaemonHarness(dir, "dev");
    SeedResult seeded = seedTarget("dev", Seed.midUsers(3).groups(0).midServers(2));
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);
    h.target("dev").requestLog().clear();

    h.sim.clone("prod", "dev", phases(CloneOutcome.COMPLETED));
    Workflow w = awaitState(d, only(d, "dev").id(), WorkflowState.DONE);

    assertThat(states(d, w.id())).containsExactlyElementsOf(HAPPY_PATH);
    assertThat(w.gaps()).isPositive();
    assertThat(w.writes()).isPositive();
    assertThat(h.target("dev").rows("sys_user", "roles=mid_server")).hasSize(3);
    assertThat(h.target("dev").requestLog().count("POST", "sys_user")).isEqualTo(3);
    awaitMidServersUp(h.target("dev"), seeded);
    await().atMost(Duration.ofSeconds(5)).until(() -> get(d, "/metrics").contains("cloneguard_clone_workflows{instance=\"dev\",state=\"done\"} 1.0"));
    String metrics = get(d, "/metrics");
    assertThat(metrics)
        .contains("cloneguard_clone_detected_total{instance=\"dev\"} 1.0")
        .contains("cloneguard_restore_last_success_timestamp_seconds{instance=\"dev\"}")
        .contains("cloneguard_mid_servers{instance=\"dev\",status=\"up\"} 2.0");
    assertThat(get(d, "/healthz")).startsWith("200");
    assertThat(get(d, "/readyz")).startsWith("200");
    assertThat(get(d, "/status")).contains("\"state\" : \"DONE\"").doesNotContain(DaemonHarness.PASSWORD);
    List<String> actions = new io.cloneguard.restore.AuditLog(dir.resolve("audit.jsonl")).entries().stream()
        .map(io.cloneguard.restore.AuditEntry::action).toList();
    assertThat(actions).contains("workflow:detected", "workflow:pre_snapshot_taken", "workflow:clone_running", "workflow:clone_completed",
        "workflow:settled", "workflow:verified", "insert", "workflow:restored", "workflow:mids_up", "workflow:done");
  }

  @Test
  void restoresTheGroupAndMembershipsWhenThePreservedMembershipsLostTheirGroup() {
    h = new DaemonHarness(dir, "dev");
    SeedResult seeded = seedTarget("dev", Seed.midUsers(4).groups(1).midServers(2));
    h.prod().addMidPreservers();
    String groupId = seeded.groupIds().get(0);
    int members = h.target("dev").count("sys_user_grmember", "group=" + groupId);
    assertThat(members).isPositive();
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);

    h.sim.clone("prod", "dev", phases(CloneOutcome.COMPLETED));
    Workflow w = awaitState(d, only(d, "dev").id(), WorkflowState.DONE);

    assertThat(w.verdict()).isNotBlank();
    assertThat(h.target("dev").row("sys_user_group", groupId)).isPresent();
    assertThat(h.target("dev").count("sys_user_grmember", "group=" + groupId)).isEqualTo(members);
    awaitMidServersUp(h.target("dev"), seeded);
  }

  @Test
  void resumesAfterBeingStoppedWhileTheCloneWasActiveAndWritesEachRecordOnce() {
    h = new DaemonHarness(dir, "dev");
    SeedResult seeded = seedTarget("dev", Seed.midUsers(3).groups(0).midServers(1));
    CloneGuardConfig config = h.config(Policy.RESTORE);
    Daemon first = h.start(config);
    h.awaitReady(first);
    h.target("dev").requestLog().clear();

    CloneHandle clone = h.sim.clone("prod", "dev", CloneOptions.defaults().phaseDuration(Duration.ofMillis(800)));
    String id = only(first, "dev").id();
    awaitState(first, id, WorkflowState.CLONE_RUNNING);
    long t0 = System.nanoTime();
    first.close();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(config.schedule().stopTimeout());
    clone.awaitState("Completed", Duration.ofSeconds(10));

    Daemon second = h.start(config);
    Workflow w = awaitState(second, id, WorkflowState.DONE);

    assertThat(states(second, id)).containsExactlyElementsOf(HAPPY_PATH);
    assertThat(h.target("dev").requestLog().count("POST", "sys_user")).isEqualTo(3);
    assertThat(w.writes()).isPositive();
    awaitMidServersUp(h.target("dev"), seeded);
  }

  @Test
  void canceledCloneRequestEndsCanceledWithoutTouchingTheTarget() {
    h = new DaemonHarness(dir, "dev");
    seedTarget("dev", Seed.midUsers(2).midServers(1));
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);
    h.target("dev").requestLog().clear();

    CloneHandle clone = h.sim.clone("prod", "dev", phases(CloneOutcome.CANCELED));
    clone.awaitState("Canceled", Duration.ofSeconds(10));
    Workflow w = awaitState(d, only(d, "dev").id(), WorkflowState.CANCELED);

    assertThat(states(d, w.id())).containsExactly(WorkflowState.DETECTED, WorkflowState.PRE_SNAPSHOT_TAKEN, WorkflowState.CANCELED);
    assertThat(w.snapshotRef()).startsWith("dev/");
    assertThat(h.target("dev").requestLog().writes()).isZero();

    d.close();
    StatusReport offline = StatusReport.fromStore(h.config(Policy.RESTORE), java.time.Instant.now());
    StatusReport.InstanceStatus dev = offline.instances().stream().filter(i -> i.name().equals("dev")).findFirst().orElseThrow();
    assertThat(dev.lastFinished().state()).isEqualTo("CANCELED");
    assertThat(dev.inProgress()).isEmpty();
    assertThat(dev.lastSnapshot().ref()).startsWith("dev/");
    assertThat(dev.reachable()).as("no live figures without a daemon").isNull();
  }

  @Test
  void retentionPrunesOldSnapshotsButKeepsTheOneACloneWorkflowReferences() {
    h = new DaemonHarness(dir, "dev");
    seedTarget("dev", Seed.midUsers(2).midServers(1));
    CloneGuardConfig base = h.config(Policy.RESTORE);
    CloneGuardConfig keepTwo = new CloneGuardConfig(base.file(), new io.cloneguard.config.StorageConfig(dir, dir.resolve("cloneguard.key"), 2),
        base.instances(), base.cloneRequests(), base.http(), base.schedule(), base.scheduler(), base.metrics());
    Daemon d = h.start(keepTwo, o -> o.withHousekeeping(Duration.ofMillis(300)));
    h.awaitReady(d);
    h.sim.clone("prod", "dev", phases(CloneOutcome.CANCELED)).awaitState("Canceled", Duration.ofSeconds(10));
    Workflow w = awaitState(d, only(d, "dev").id(), WorkflowState.CANCELED);
    String referenced = w.snapshotRef().substring("dev/".length());

    io.cloneguard.snapshot.SnapshotStore store = new io.cloneguard.snapshot.SnapshotStore(dir, SnapshotKey.load(dir.resolve("cloneguard.key")));
    io.cloneguard.snapshot.SnapshotCapture capture = new io.cloneguard.snapshot.SnapshotCapture(java.time.Clock.systemUTC(), "test");
    try (var client = DaemonHarness.fastClient(keepTwo.instance("dev").orElseThrow(), keepTwo, new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
      for (int i = 0; i < 3; i++) {
        store.save(capture.capture(client, keepTwo.instance("dev").orElseThrow(), "manual"));
      }
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> store.list("dev").stream().noneMatch(i -> i.trigger().equals("baseline"))
        && store.list("dev").stream().filter(i -> i.trigger().equals("manual")).count() == 2);
    List<String> kept = store.list("dev").stream().map(io.cloneguard.snapshot.SnapshotInfo::id).toList();
    assertThat(kept).contains(referenced);
    assertThat(store.list("dev").stream().filter(i -> i.trigger().equals("manual"))).as("the two newest").hasSize(2);
  }

  @Test
  void aFailingJobIsCountedAndRetriedWhileEveryOtherJobKeepsRunning() throws Exception {
    h = new DaemonHarness(dir, "dev");
    java.nio.file.Files.delete(dir.resolve("cloneguard.key")); // every snapshot fails until an operator runs keygen
    Daemon d = h.start(h.config(Policy.RESTORE));

    await().atMost(Duration.ofSeconds(10)).until(() -> get(d, "/metrics").contains("cloneguard_job_failures_total{task=\"baseline\"} 1.0"));
    await().atMost(Duration.ofSeconds(10)).until(() -> get(d, "/metrics")
        .contains("cloneguard_preflight_warnings{check=\"key_file\",instance=\"local\"} 1.0"));
    double firstPoll = MetricsValue.of(get(d, "/metrics"), "cloneguard_last_poll_success_timestamp_seconds{instance=\"dev\"}");
    await().atMost(Duration.ofSeconds(5)).until(() ->
        MetricsValue.of(get(d, "/metrics"), "cloneguard_last_poll_success_timestamp_seconds{instance=\"dev\"}") > firstPoll);
    assertThat(get(d, "/healthz")).startsWith("200");
  }

  @Test
  void cloneThatEndsInErrorIsVerifiedAndNeedsNoWriteWhenTheTargetKeptItsData() {
    h = new DaemonHarness(dir, "dev");
    seedTarget("dev", Seed.midUsers(2).midServers(1));
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);
    h.target("dev").requestLog().clear();

    CloneHandle clone = h.sim.clone("prod", "dev", phases(CloneOutcome.ERROR));
    clone.awaitState("Error", Duration.ofSeconds(10));
    Workflow w = awaitState(d, only(d, "dev").id(), WorkflowState.DONE);

    assertThat(w.reason()).contains("ERROR");
    assertThat(w.gaps()).isZero();
    assertThat(h.target("dev").requestLog().writes()).isZero();
  }

  @Test
  void rollbackAfterARestoreReopensTheWorkflowAndVerifiesAgain() {
    h = new DaemonHarness(dir, "dev");
    SeedResult seeded = seedTarget("dev", Seed.midUsers(2).groups(0).midServers(1));
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);

    CloneHandle clone = h.sim.clone("prod", "dev", phases(CloneOutcome.COMPLETED));
    String id = only(d, "dev").id();
    Workflow restored = awaitState(d, id, WorkflowState.DONE);
    assertThat(restored.writes()).isPositive();
    long writesBefore = h.target("dev").requestLog().writes();

    clone.rollback();
    clone.awaitState("Rolled back", Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(30)).until(() -> states(d, id).lastIndexOf(WorkflowState.DONE) > states(d, id).indexOf(WorkflowState.ROLLED_BACK)
        && states(d, id).contains(WorkflowState.ROLLED_BACK));

    List<WorkflowState> all = states(d, id);
    assertThat(all.subList(all.indexOf(WorkflowState.ROLLED_BACK), all.size())).containsExactly(WorkflowState.ROLLED_BACK,
        WorkflowState.SETTLED, WorkflowState.VERIFIED, WorkflowState.RESTORED, WorkflowState.MIDS_UP, WorkflowState.DONE);
    assertThat(h.target("dev").requestLog().writes()).as("the rollback brought the accounts back: nothing more to write").isEqualTo(writesBefore);
    awaitMidServersUp(h.target("dev"), seeded);
  }

  @Test
  void unannouncedCloneIsCaughtByTheDriftCheckAndRestored() {
    h = new DaemonHarness(dir, "dev");
    SeedResult seeded = seedTarget("dev", Seed.midUsers(3).groups(0).midServers(1));
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);

    h.sim.applyUnannouncedClone("prod", "dev");
    Workflow w = awaitState(d, only(d, "dev").id(), WorkflowState.DONE);

    assertThat(w.kind()).isEqualTo(WorkflowKind.UNANNOUNCED);
    assertThat(states(d, w.id())).containsExactly(WorkflowState.CLONE_COMPLETED, WorkflowState.SETTLED, WorkflowState.VERIFIED,
        WorkflowState.RESTORED, WorkflowState.MIDS_UP, WorkflowState.DONE);
    assertThat(h.target("dev").rows("sys_user", "roles=mid_server")).hasSize(3);
    awaitMidServersUp(h.target("dev"), seeded);
  }

  @Test
  void workflowWaitsWhileTheTargetIsUnreachableAndCarriesOnAfterwards() {
    h = new DaemonHarness(dir, "dev");
    seedTarget("dev", Seed.midUsers(2).groups(0).midServers(1));
    ScheduleConfig slowSettle = new ScheduleConfig("0 0 2 * * ?", Duration.ofSeconds(1), 2, Duration.ofSeconds(20), Duration.ofMillis(200),
        Duration.ofSeconds(10));
    Daemon d = h.start(TestConfigs.withSchedule(h.config(Policy.RESTORE), slowSettle));
    h.awaitReady(d);

    h.sim.clone("prod", "dev", phases(CloneOutcome.COMPLETED));
    String id = only(d, "dev").id();
    awaitState(d, id, WorkflowState.CLONE_COMPLETED);
    h.target("dev").faults().failNext(503, 8);
    await().atMost(Duration.ofSeconds(10)).until(() -> d.status().instances().stream()
        .anyMatch(i -> i.name().equals("dev") && Boolean.FALSE.equals(i.reachable())));
    assertThat(d.workflows().find(id).orElseThrow().state()).isEqualTo(WorkflowState.CLONE_COMPLETED);

    awaitState(d, id, WorkflowState.DONE);
    assertThat(states(d, id)).doesNotContain(WorkflowState.FAILED);
  }

  @Test
  void ownAccountWipedByTheCloneRaisesTheAlertKeepsRunningAndResumesOnceRecreated() throws Exception {
    h = new DaemonHarness(dir, "dev");
    SeedResult seeded = seedTarget("dev", Seed.midUsers(2).groups(0).midServers(1));
    // CloneGuard's account has another password on prod: after the clone dev holds prod's copy, and CloneGuard's dev login fails.
    h.usePassword("prod", "prods-own-password-1");
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);
    assertThat(d.preflightWarnings().get("dev")).anyMatch(w -> w.startsWith("own_account_preserved"));

    h.sim.clone("prod", "dev", phases(CloneOutcome.COMPLETED));
    String id = only(d, "dev").id();
    await().atMost(Duration.ofSeconds(15)).until(() -> get(d, "/metrics")
        .contains("cloneguard_preflight_warnings{check=\"credentials\",instance=\"dev\"} 1.0"));
    assertThat(get(d, "/metrics")).contains("cloneguard_instance_up{instance=\"dev\"} 0.0");
    assertThat(get(d, "/healthz")).startsWith("200");
    awaitState(d, id, WorkflowState.CLONE_COMPLETED);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> d.workflows().find(id).orElseThrow().state() == WorkflowState.CLONE_COMPLETED);

    h.usePassword("dev", DaemonHarness.PASSWORD); // the operator fixes the account

    awaitState(d, id, WorkflowState.DONE);
    assertThat(states(d, id)).doesNotContain(WorkflowState.FAILED);
    awaitMidServersUp(h.target("dev"), seeded);
  }

  @Test
  void twoGuardedTargetsClonedAtOnceAreBothRestored() {
    h = new DaemonHarness(dir, "dev", "test");
    SeedResult dev = seedTarget("dev", Seed.midUsers(2).groups(0).midServers(1));
    SeedResult test = seedTarget("test", Seed.midUsers(2).groups(0).midServers(1).midUserPrefix("mid.test."));
    Daemon d = h.start(h.config(Policy.RESTORE));
    h.awaitReady(d);

    h.sim.clone("prod", "dev", phases(CloneOutcome.COMPLETED));
    h.sim.clone("prod", "test", phases(CloneOutcome.COMPLETED));
    awaitState(d, only(d, "dev").id(), WorkflowState.DONE);
    awaitState(d, only(d, "test").id(), WorkflowState.DONE);

    awaitMidServersUp(h.target("dev"), dev);
    awaitMidServersUp(h.target("test"), test);
  }

  @Test
  void alertOnlyPolicyReportsTheGapsWritesNothingAndFailsWhenMidServersStayDown() throws Exception {
    h = new DaemonHarness(dir, "dev");
    seedTarget("dev", Seed.midUsers(2).groups(0).midServers(1));
    ScheduleConfig shortMidWait = new ScheduleConfig("0 0 2 * * ?", Duration.ZERO, 2, Duration.ofSeconds(1), Duration.ofMillis(200),
        Duration.ofSeconds(10));
    Daemon d = h.start(TestConfigs.withSchedule(h.config(Policy.ALERT_ONLY), shortMidWait));
    h.awaitReady(d);
    h.target("dev").requestLog().clear();

    h.sim.clone("prod", "dev", phases(CloneOutcome.COMPLETED));
    Workflow w = awaitState(d, only(d, "dev").id(), WorkflowState.FAILED);

    assertThat(states(d, w.id())).contains(WorkflowState.VERIFIED, WorkflowState.ALERTED).doesNotContain(WorkflowState.RESTORED);
    assertThat(w.reason()).contains("MID Servers still not Up");
    assertThat(h.target("dev").requestLog().writes()).isZero();
    assertThat(get(d, "/metrics")).contains("cloneguard_clone_workflow_failures_total{instance=\"dev\"} 1.0")
        .containsPattern("cloneguard_gaps\\{instance=\"dev\",table=\"sys_user\"} [1-9]");
  }
}
