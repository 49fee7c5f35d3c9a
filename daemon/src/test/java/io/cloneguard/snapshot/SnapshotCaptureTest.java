package io.cloneguard.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloneguard.config.AuthConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.Policy;
import io.cloneguard.config.Secret;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.servicenow.TableQuery;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCaptureTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T10:15:00.250Z"), ZoneOffset.UTC);
  private final SnapshotCapture capture = new SnapshotCapture(CLOCK, "1.2.3", 3, new Random(7));

  static InstanceConfig dev(boolean cloneSource) {
    return new InstanceConfig("dev", URI.create("https://dev.example.test"), AuthConfig.basic("cg", Secret.of("pw-not-used")),
        cloneSource, true, Policy.RESTORE, List.of("mid_server"));
  }

  /** One MID user per way of holding the role, one non-MID user, and the groups and roles around them. */
  static FakeServiceNowClient devInstance() {
    FakeServiceNowClient c = new FakeServiceNowClient("dev");
    c.add("sys_user_role", Map.of("sys_id", "r-mid", "name", "mid_server"))
        .add("sys_user_role", Map.of("sys_id", "r-soap", "name", "soap"))
        .add("sys_user_role", Map.of("sys_id", "r-itil", "name", "itil"))
        .add("sys_user_role", Map.of("sys_id", "r-bundle", "name", "mid_bundle"));
    c.add("sys_user", user("u-direct", "mid.direct", "mid_server,soap,itil"))
        .add("sys_user", user("u-group", "mid.group", "mid_server,soap"))
        .add("sys_user", user("u-contain", "mid.contain", "mid_bundle,mid_server,soap"))
        .add("sys_user", user("u-plain", "jane", "itil"));
    // direct grant, with mid_server's contained soap inherited
    grant(c, "h1", "u-direct", "r-mid", false, "");
    grant(c, "h2", "u-direct", "r-soap", true, "");
    grant(c, "h3", "u-direct", "r-itil", false, "");
    // through the group g-mid, which holds mid_server
    grant(c, "h4", "u-group", "r-mid", true, "g-mid");
    grant(c, "h5", "u-group", "r-soap", true, "g-mid");
    // through containment: mid_bundle contains mid_server
    grant(c, "h6", "u-contain", "r-bundle", false, "");
    grant(c, "h7", "u-contain", "r-mid", true, "");
    grant(c, "h8", "u-contain", "r-soap", true, "");
    grant(c, "h9", "u-plain", "r-itil", false, "");
    c.add("sys_user_group", Map.of("sys_id", "g-mid", "name", "MID Servers", "active", "true"))
        .add("sys_user_group", Map.of("sys_id", "g-other", "name", "Integrations", "active", "true"))
        .add("sys_user_group", Map.of("sys_id", "g-unrelated", "name", "Service Desk", "active", "true"));
    c.add("sys_user_grmember", Map.of("sys_id", "m1", "user", "u-group", "group", "g-mid"))
        .add("sys_user_grmember", Map.of("sys_id", "m2", "user", "u-direct", "group", "g-other"))
        .add("sys_user_grmember", Map.of("sys_id", "m3", "user", "u-plain", "group", "g-unrelated"));
    c.add("sys_group_has_role", Map.of("sys_id", "gr1", "group", "g-mid", "role", "r-mid", "inherits", "true"))
        .add("sys_group_has_role", Map.of("sys_id", "gr2", "group", "g-other", "role", "r-itil", "inherits", "true"))
        .add("sys_group_has_role", Map.of("sys_id", "gr3", "group", "g-unrelated", "role", "r-itil", "inherits", "true"));
    c.add("ecc_agent", Map.of("sys_id", "a1", "name", "mid-dev-1", "status", "Up", "host_name", "mid1.corp", "user_name", "mid.direct",
            "validated", "true", "version", "xanadu", "ip_address", "10.0.0.1"))
        .add("ecc_agent", Map.of("sys_id", "a2", "name", "mid-dev-2", "status", "Down", "host_name", "mid2.corp", "user_name", "mid.group",
            "validated", "true", "version", "xanadu", "ip_address", "10.0.0.2"));
    c.add("clone_data_preserver", Map.of("sys_id", "p1", "name", "MID users", "table", "sys_user", "condition", "roles=mid_server"))
        .add("clone_data_exclude", Map.of("sys_id", "x1", "name", "MID users", "table", "sys_user", "condition", "roles=mid_server"));
    return c;
  }

  private static Map<String, String> user(String sysId, String userName, String roles) {
    return Map.of("sys_id", sysId, "user_name", userName, "roles", roles, "active", "true", "web_service_access_only", "true",
        "user_password", "hunter2-must-never-be-stored");
  }

  private static void grant(FakeServiceNowClient c, String sysId, String user, String role, boolean inherited, String grantedBy) {
    c.add("sys_user_has_role", Map.of("sys_id", sysId, "user", user, "role", role, "inherited", String.valueOf(inherited),
        "granted_by", grantedBy, "state", "active"));
  }

  private static List<String> ids(List<Record> rows) {
    return rows.stream().map(Record::sysId).toList();
  }

  @Test
  void capturesMidUsersHoldingTheRoleDirectlyThroughAGroupAndThroughContainment() {
    Snapshot s = capture.capture(devInstance(), dev(true), "manual");

    assertThat(ids(s.users())).containsExactly("u-contain", "u-direct", "u-group");
    assertThat(ids(s.roleGrants())).containsExactly("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8");
    assertThat(s.roleGrants()).filteredOn(r -> r.sysId().equals("h4")).singleElement()
        .satisfies(r -> assertThat(r.values()).containsEntry("inherited", "true").containsEntry("granted_by", "g-mid")
            .doesNotContainKey("role.name"));
    assertThat(ids(s.memberships())).containsExactly("m1", "m2");
    assertThat(ids(s.groups())).containsExactly("g-mid", "g-other");
    assertThat(ids(s.groupRoles())).containsExactly("gr1", "gr2");
    assertThat(s.roles()).extracting(r -> r.sysId() + "=" + r.get("name"))
        .containsExactly("r-bundle=mid_bundle", "r-itil=itil", "r-mid=mid_server", "r-soap=soap");
    assertThat(ids(s.midServers())).containsExactly("a1", "a2");
    assertThat(s.midServers().get(0).values()).doesNotContainKey("ip_address").containsEntry("host_name", "mid1.corp");
    assertThat(ids(s.preservers())).containsExactly("p1");
    assertThat(ids(s.excludes())).containsExactly("x1");
  }

  @Test
  void neverKeepsPasswords() {
    Snapshot s = capture.capture(devInstance(), dev(true), "manual");

    assertThat(s.users()).allSatisfy(u -> assertThat(u.values()).doesNotContainKey("user_password"));
    assertThat(new String(SnapshotCodec.toJson(s), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("hunter2");
  }

  @Test
  void metadataNamesTheInstanceTimeTriggerCountsAndContentHash() {
    Snapshot s = capture.capture(devInstance(), dev(true), "clone:0123456789abcdef0123456789abcdef");
    SnapshotMetadata m = s.metadata();

    assertThat(m.id()).matches("20261204T101500Z-[0-9a-f]{4}");
    assertThat(m.instance()).isEqualTo("dev");
    assertThat(m.instanceUrl()).isEqualTo("https://dev.example.test");
    assertThat(m.takenAt()).isEqualTo(Instant.parse("2026-12-04T10:15:00.250Z"));
    assertThat(m.cloneguardVersion()).isEqualTo("1.2.3");
    assertThat(m.trigger()).isEqualTo("clone:0123456789abcdef0123456789abcdef");
    assertThat(m.formatVersion()).isEqualTo(1);
    assertThat(m.counts()).containsEntry("sys_user", 3).containsEntry("sys_user_has_role", 8).containsEntry("sys_user_grmember", 2)
        .containsEntry("sys_user_group", 2).containsEntry("sys_group_has_role", 2).containsEntry("sys_user_role", 4)
        .containsEntry("ecc_agent", 2).containsEntry("clone_data_preserver", 1).containsEntry("clone_data_exclude", 1);
    assertThat(m.contentHash()).hasSize(64).isEqualTo(SnapshotTables.contentHash(s));
    // the same data captured again hashes the same
    assertThat(new SnapshotCapture(CLOCK, "1.2.3", 1, new Random(1)).capture(devInstance(), dev(true), "manual").metadata().contentHash())
        .isEqualTo(m.contentHash());
  }

  @Test
  void cloneTargetSnapshotsSkipThePreserverTables() {
    FakeServiceNowClient client = devInstance();
    Snapshot s = capture.capture(client, dev(false), "baseline");

    assertThat(s.preservers()).isEmpty();
    assertThat(s.excludes()).isEmpty();
    assertThat(client.queries).extracting(TableQuery::table).doesNotContain("clone_data_preserver", "clone_data_exclude");
  }

  @Test
  void allRowsGotchaOnTheUserReadIsCaught() {
    // sys_idIN... silently dropped: every user of the instance comes back, including jane who is no MID user
    FakeServiceNowClient client = devInstance().ignoreQueryOf("sys_user");

    assertThatThrownBy(() -> capture.capture(client, dev(true), "manual"))
        .isInstanceOf(SnapshotException.class)
        .hasMessageStartingWith("snapshot of dev not taken: reading sys_user returned an unexpected row")
        .hasMessageContaining("the encoded query was probably ignored in part");
  }

  @Test
  void allRowsGotchaOnTheRoleGrantReadIsCaught() {
    FakeServiceNowClient client = devInstance().ignoreQueryOf("sys_user_has_role");

    assertThatThrownBy(() -> capture.capture(client, dev(true), "manual"))
        .hasMessageStartingWith("snapshot of dev not taken: reading sys_user_has_role returned an unexpected row");
  }

  @Test
  void allRowsGotchaOnMembershipsIsCaught() {
    FakeServiceNowClient client = devInstance().ignoreQueryOf("sys_user_grmember");

    assertThatThrownBy(() -> capture.capture(client, dev(true), "manual"))
        .hasMessageStartingWith("snapshot of dev not taken: reading sys_user_grmember returned an unexpected row");
  }

  @Test
  void failedTableReadNamesTheTableAndYieldsNoSnapshot() {
    FakeServiceNowClient client = devInstance()
        .fail("sys_user_grmember", new ServiceNowException.Forbidden("dev", "sys_user_grmember", "403 Forbidden: ACL denies read of sys_user_grmember"));

    assertThatThrownBy(() -> capture.capture(client, dev(true), "manual"))
        .isInstanceOf(SnapshotException.class)
        .hasMessage("snapshot of dev not taken: reading sys_user_grmember failed: 403 Forbidden: ACL denies read of sys_user_grmember");
  }

  @Test
  void readsByConditionSoQueriesStayShortWhateverTheNumberOfUsers() {
    FakeServiceNowClient client = devInstance();
    for (int i = 0; i < 250; i++) {
      String id = String.format("u-bulk-%03d", i);
      client.add("sys_user", user(id, "mid.bulk" + i, "mid_server"));
      grant(client, "hb" + i, id, "r-mid", false, "");
    }

    Snapshot s = capture.capture(client, dev(false), "manual");

    assertThat(s.users()).hasSize(253);
    assertThat(client.queries).extracting(TableQuery::table)
        .containsOnlyOnce("sys_user", "sys_user_grmember", "ecc_agent", "sys_user_group", "sys_group_has_role");
    assertThat(client.queries).allSatisfy(q -> assertThat(q.query().length()).isLessThan(1600));
  }

  @Test
  void groupIdsAreSentInChunksThatKeepTheQueryShort() {
    FakeServiceNowClient client = devInstance();
    for (int i = 0; i < 90; i++) {
      String group = String.format("g-bulk-%03d", i);
      client.add("sys_user_group", Map.of("sys_id", group, "name", "Group " + i));
      client.add("sys_user_grmember", Map.of("sys_id", "mb" + i, "user", "u-direct", "group", group));
    }

    Snapshot s = capture.capture(client, dev(false), "manual");

    assertThat(s.groups()).hasSize(92);
    List<TableQuery> groupReads = client.queries.stream().filter(q -> q.table().equals("sys_user_group")).toList();
    assertThat(groupReads).hasSize(3);
    assertThat(groupReads).allSatisfy(q -> assertThat(q.query().split(",")).hasSizeLessThanOrEqualTo(SnapshotCapture.CHUNK));
    assertThat(client.queries).allSatisfy(q -> assertThat(q.query().length()).isLessThan(1600));
  }

  @Test
  void aMidGrantWhoseUserTheRolesFieldDoesNotShowFailsTheCapture() {
    // sys_user.roles is derived; if it disagrees with sys_user_has_role, which one is right is unknowable here.
    FakeServiceNowClient client = devInstance();
    client.add("sys_user", user("u-stale", "mid.stale", "itil"));
    grant(client, "h10", "u-stale", "r-mid", false, "");

    assertThatThrownBy(() -> capture.capture(client, dev(true), "manual"))
        .isInstanceOf(SnapshotException.class)
        .hasMessage("snapshot of dev not taken: sys_user (roles) and sys_user_has_role (role.name) disagree on the MID users"
            + " (only in sys_user: ; only in sys_user_has_role: u-stale); if users or roles were being edited, take the snapshot again");
  }

  @Test
  void groupNamedOnlyAsTheGrantorOfARoleIsCapturedToo() {
    FakeServiceNowClient client = devInstance();
    client.add("sys_user_group", Map.of("sys_id", "g-grantor", "name", "Former MID group"));
    grant(client, "h12", "u-direct", "r-itil", true, "g-grantor");

    Snapshot s = capture.capture(client, dev(false), "manual");

    assertThat(ids(s.groups())).containsExactly("g-grantor", "g-mid", "g-other");
  }

  @Test
  void multipleMidRolesAreAllLookedFor() {
    FakeServiceNowClient client = devInstance();
    client.add("sys_user_role", Map.of("sys_id", "r-mid2", "name", "x_mid_custom"));
    client.add("sys_user", user("u-custom", "mid.custom", "x_mid_custom"));
    grant(client, "h11", "u-custom", "r-mid2", false, "");
    InstanceConfig two = new InstanceConfig("dev", URI.create("https://dev.example.test"), AuthConfig.basic("cg", Secret.of("pw-not-used")),
        false, true, Policy.RESTORE, List.of("mid_server", "x_mid_custom"));

    Snapshot s = capture.capture(client, two, "manual");

    assertThat(ids(s.users())).containsExactly("u-contain", "u-custom", "u-direct", "u-group");
    assertThat(ids(s.roleGrants())).contains("h11");
  }

  @Test
  void rejectsAnUnknownTrigger() {
    assertThatThrownBy(() -> capture.capture(devInstance(), dev(true), "whenever"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trigger must be baseline, manual or clone:<sys_id>, was whenever");
  }

  @Test
  void capturedSnapshotSurvivesTheStoreRoundTrip(@TempDir Path tmp) {
    SnapshotKey.generate(tmp.resolve("k"));
    SnapshotStore store = new SnapshotStore(tmp.resolve("s"), SnapshotKey.load(tmp.resolve("k")));
    Snapshot s = capture.capture(devInstance(), dev(true), "baseline");

    SnapshotInfo info = store.save(s);

    assertThat(store.load(info.ref())).isEqualTo(s);
    assertThat(info.trigger()).isEqualTo("baseline");
  }
}
