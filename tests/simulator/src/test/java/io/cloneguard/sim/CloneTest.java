package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CloneTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final CloneOptions FAST = CloneOptions.defaults().phaseDuration(Duration.ofMillis(40));
  static final String SHARED_GROUP = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

  Simulator sim;
  SimInstance prod;
  SimInstance dev;
  String devMid;
  String devOnlyUser;
  String prodUser;

  @BeforeEach
  void start() {
    sim = Simulator.builder().instances("prod", "dev").midTickerPeriod(Duration.ofMillis(30)).start();
    prod = sim.instance("prod");
    dev = sim.instance("dev");
    // A group that exists on both (created on prod, cloned to dev long ago) holds the MID users.
    prod.put("sys_user_group", Map.of("sys_id", SHARED_GROUP, "name", "MID Server Users"));
    dev.put("sys_user_group", Map.of("sys_id", SHARED_GROUP, "name", "MID Server Users"));
    devMid = dev.addUser("mid.dev.01", "dev-mid-pw", "mid_server");
    dev.addMember(devMid, SHARED_GROUP);
    dev.addMidServer("MID-DEV", "mid.dev.01", "dev-mid-pw");
    devOnlyUser = dev.addUser("dev.tester", "pw", "itil");
    prodUser = prod.addUser("prod.person", "pw", "itil");
    prod.addUser("mid.prod.01", "prod-mid-pw", "mid_server");
    await().atMost(WAIT).until(() -> dev.midServerStatus("MID-DEV").equals("Up"));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private void awaitMid(String status) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(dev.midServerStatus("MID-DEV")).isEqualTo(status));
  }

  @Test
  void completedCloneWithPreserversOnTheSourceKeepsTheMidUserAndItsServerStaysUp() {
    prod.addMidPreservers();
    CloneHandle c = sim.clone("prod", "dev", FAST).awaitState("Completed", WAIT);

    assertThat(c.history()).containsExactly("Requested", "Scheduled", "Active", "Completed");
    Map<String, String> request = prod.row("clone_instance", c.requestSysId()).orElseThrow();
    assertThat(request.get("state")).isEqualTo("Completed");
    assertThat(request.get("started")).isNotEmpty();
    assertThat(request.get("completed")).isNotEmpty();
    assertThat(request.get("target_instance")).isEqualTo(Simulator.instanceRowId("dev"));

    assertThat(dev.row("sys_user", devMid)).isPresent();
    assertThat(dev.rows("sys_user", "roles=mid_server")).extracting(u -> u.get("user_name"))
        .containsExactlyInAnyOrder("mid.dev.01", "mid.prod.01");   // no exclusion: the source's MID user merges in
    assertThat(dev.rows("sys_user_grmember", "user=" + devMid)).hasSize(1);
    assertThat(dev.rows("sys_user_has_role", "user=" + devMid + "^role.name=mid_server")).hasSize(1);
    assertThat(dev.row("sys_user", devOnlyUser)).isEmpty();
    assertThat(dev.row("sys_user", prodUser)).isPresent();
    assertThat(dev.rows("ecc_agent")).extracting(a -> a.get("name")).containsExactly("MID-DEV");
    awaitMid("Up");
    assertThat(dev.rows("ecc_agent_issue")).isEmpty();
  }

  @Test
  void exclusionOnTheSourceKeepsItsRowsOut() {
    prod.addMidPreservers();
    prod.addExclusion("MID users", "sys_user", "roles=mid_server");
    sim.clone("prod", "dev", FAST).awaitState("Completed", WAIT);
    assertThat(dev.rows("sys_user", "roles=mid_server")).extracting(u -> u.get("user_name")).containsExactly("mid.dev.01");
  }

  @Test
  void withoutPreserversTheMidUserIsWipedTheServerGoesDownAndTheCloneIssueIsRaisedThenResolved() {
    sim.clone("prod", "dev", FAST).awaitState("Completed", WAIT);

    assertThat(dev.row("sys_user", devMid)).isEmpty();
    assertThat(dev.rows("sys_user_grmember", "user=" + devMid)).isEmpty();
    awaitMid("Down");
    List<Map<String, String>> issues = dev.rows("ecc_agent_issue");
    assertThat(issues).hasSize(1);
    assertThat(issues.get(0).get("source")).isEqualTo("InstanceClone");
    assertThat(issues.get(0).get("message")).startsWith("MID Server not operational (status: Down), possibly due to recent clone");

    // what a restore does: the user back with its sys_id, role and password
    dev.put("sys_user", Map.of("sys_id", devMid, "user_name", "mid.dev.01", "user_password", "dev-mid-pw"));
    dev.grantRole(devMid, "mid_server");
    awaitMid("Up");
    await().atMost(WAIT).untilAsserted(() -> assertThat(dev.rows("ecc_agent_issue").get(0).get("state")).isEqualTo("resolved"));
  }

  @Test
  void preserversDefinedOnTheTargetDoNothing() {
    dev.addMidPreservers();
    sim.clone("prod", "dev", FAST).awaitState("Completed", WAIT);
    assertThat(dev.row("sys_user", devMid)).isEmpty();
    awaitMid("Down");
    // the target's own preserver rows are replaced by the source's (none)
    assertThat(dev.rows("clone_data_preserver")).isEmpty();
  }

  @Test
  void preservedMembershipsWhoseGroupIsGoneAfterTheCloneAreDropped() {
    String devOnlyGroup = dev.addGroup("Dev MID Group");
    dev.addMember(devMid, devOnlyGroup);
    prod.addMidPreservers();
    sim.clone("prod", "dev", FAST).awaitState("Completed", WAIT);

    assertThat(dev.row("sys_user", devMid)).isPresent();
    assertThat(dev.rows("sys_user_grmember", "user=" + devMid)).extracting(m -> m.get("group")).containsExactly(SHARED_GROUP);
    assertThat(dev.row("sys_user_group", devOnlyGroup)).isEmpty();
    awaitMid("Up");
  }

  @Test
  void removingOnePreserverLosesThatTable() {
    prod.addMidPreservers();
    assertThat(prod.removePreserver("sys_user_has_role")).isEqualTo(1);
    sim.clone("prod", "dev", FAST).awaitState("Completed", WAIT);
    assertThat(dev.row("sys_user", devMid)).isPresent();
    assertThat(dev.rows("sys_user_has_role", "user=" + devMid)).isEmpty();
    assertThat(dev.row("sys_user", devMid).orElseThrow().get("roles")).isEmpty();
    awaitMid("Down");
  }

  @Test
  void legacyEngineFallbackPreservesNothingForDotWalkedConditions() {
    prod.addMidPreservers();
    sim.clone("prod", "dev", FAST.legacyFallback(true)).awaitState("Completed", WAIT);

    assertThat(dev.row("sys_user", devMid)).isPresent();                       // roles=mid_server is not dot-walked
    assertThat(dev.rows("sys_user_has_role", "user=" + devMid)).isEmpty();       // user.roles=mid_server is
    assertThat(dev.rows("sys_user_grmember", "user=" + devMid)).isEmpty();
    awaitMid("Down");
  }

  @Test
  void targetServesTheHtmlMaintenancePageWhileActive() {
    // a long Active step, so even a slow machine asks while it lasts; the simulator is closed mid-clone afterwards
    CloneHandle c = sim.clone("prod", "dev", FAST.activeDuration(Duration.ofSeconds(30)));
    c.awaitState("Active", WAIT);
    Api.Reply r = Api.admin(dev).get("/api/now/table/sys_user?sysparm_limit=1");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.body()).contains("clone is in progress");
    assertThat(Api.admin(prod).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(200);
  }

  @Test
  void cloneReplacesTheTargetsAdminPasswordWithTheSources() {
    String oldDevPassword = dev.adminPassword();
    sim.clone("prod", "dev", FAST).awaitState("Completed", WAIT);
    assertThat(new Api(dev, "admin", oldDevPassword).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(401);
    assertThat(dev.adminPassword()).isEqualTo(prod.adminPassword());
    assertThat(Api.admin(dev).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(200);
  }

  @Test
  void canceledCloneLeavesTheTargetUntouched() {
    CloneHandle c = sim.clone("prod", "dev", FAST.outcome(CloneOutcome.CANCELED)).awaitState("Canceled", WAIT);
    assertThat(c.history()).containsExactly("Requested", "Scheduled", "Canceled");
    assertThat(prod.row("clone_instance", c.requestSysId()).orElseThrow().get("canceled")).isNotEmpty();
    assertThat(dev.row("sys_user", devOnlyUser)).isPresent();
    assertThat(dev.row("sys_user", devMid)).isPresent();
  }

  @Test
  void cancelBeforeActiveStopsTheClone() {
    CloneHandle c = sim.clone("prod", "dev", CloneOptions.defaults().phaseDuration(Duration.ofSeconds(30)));
    assertThat(c.cancel()).isTrue();
    assertThat(c.state()).isEqualTo("Canceled");
    assertThat(prod.row("clone_instance", c.requestSysId()).orElseThrow().get("state")).isEqualTo("Canceled");
    assertThat(dev.row("sys_user", devOnlyUser)).isPresent();
  }

  @Test
  void erroredCloneLeavesTheTargetWithItsOwnData() {
    CloneHandle c = sim.clone("prod", "dev", FAST.outcome(CloneOutcome.ERROR)).awaitState("Error", WAIT);
    assertThat(c.history()).containsExactly("Requested", "Scheduled", "Active", "Error");
    assertThat(prod.row("clone_instance", c.requestSysId()).orElseThrow().get("message")).contains("failed");
    assertThat(dev.row("sys_user", devOnlyUser)).isPresent();
    assertThat(Api.admin(dev).get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(200);
  }

  @Test
  void cloneOnHoldWaitsForReleaseThenCompletes() {
    CloneHandle c = sim.clone("prod", "dev", FAST.outcome(CloneOutcome.HOLD)).awaitState("Hold", WAIT);
    assertThat(prod.row("clone_instance", c.requestSysId()).orElseThrow().get("message")).isNotEmpty();
    assertThat(dev.row("sys_user", devOnlyUser)).isPresent();
    c.release();
    c.awaitState("Completed", WAIT);
    assertThat(dev.row("sys_user", devOnlyUser)).isEmpty();
  }

  @Test
  void rollbackRestoresThePreCloneData() {
    CloneHandle c = sim.clone("prod", "dev", FAST.outcome(CloneOutcome.ROLLED_BACK)).awaitState("Rolled back", WAIT);
    assertThat(c.history()).containsExactly("Requested", "Scheduled", "Active", "Completed", "Rollback Requested", "Rolling back", "Rolled back");
    assertThat(dev.row("sys_user", devOnlyUser)).isPresent();
    assertThat(dev.row("sys_user", devMid)).isPresent();
    assertThat(dev.row("sys_user", prodUser)).isEmpty();
    awaitMid("Up");
  }

  @Test
  void rollbackOfAnUnfinishedCloneIsRefused() {
    CloneHandle c = sim.clone("prod", "dev", CloneOptions.defaults().phaseDuration(Duration.ofSeconds(30)));
    assertThatThrownBy(c::rollback).isInstanceOf(IllegalStateException.class).hasMessageContaining("Completed");
    c.cancel();
  }

  @Test
  void unannouncedCloneReplacesDataWithoutAnyCloneRequest() {
    int requestsBefore = prod.count("clone_instance", "");
    sim.applyUnannouncedClone("prod", "dev");
    assertThat(prod.count("clone_instance", "")).isEqualTo(requestsBefore);
    assertThat(dev.count("clone_instance", "")).isZero();
    assertThat(dev.row("sys_user", devMid)).isEmpty();
    assertThat(dev.row("sys_user", prodUser)).isPresent();
    awaitMid("Down");
  }

  @Test
  void cloneRequestCreatedThroughTheTableApiRunsTheSameLifecycle() {
    sim.setCloneDefaults(FAST);
    Api.Reply r = Api.admin(prod).post("/api/now/table/clone_instance",
        Map.of("source_instance", Simulator.instanceRowId("prod"), "target_instance", Simulator.instanceRowId("dev"), "state", "Requested"));
    assertThat(r.status()).isEqualTo(201);
    String id = r.result().get("sys_id").asText();
    await().atMost(WAIT).until(() -> prod.row("clone_instance", id).orElseThrow().get("state").equals("Completed"));
    assertThat(dev.row("sys_user", devOnlyUser)).isEmpty();
    assertThat(sim.clones()).hasSize(1);

    Api.Reply shown = Api.admin(prod).get("/api/now/table/clone_instance/" + id + "?sysparm_display_value=all");
    assertThat(shown.result().get("target_instance").get("display_value").asText()).isEqualTo("dev");
    assertThat(shown.result().get("state").get("value").asText()).isEqualTo("Completed");
  }

  @Test
  void cloneRequestToAnUnknownTargetEndsInError() {
    Api.Reply r = Api.admin(prod).post("/api/now/table/clone_instance", Map.of("target_instance", "00000000000000000000000000000000"));
    assertThat(prod.row("clone_instance", r.result().get("sys_id").asText()).orElseThrow().get("state")).isEqualTo("Error");
  }

  @Test
  void draftRequestDoesNotRun() {
    Api.admin(prod).post("/api/now/table/clone_instance",
        Map.of("source_instance", Simulator.instanceRowId("prod"), "target_instance", Simulator.instanceRowId("dev"), "state", "Draft"));
    assertThat(sim.clones()).isEmpty();
  }
}
