package io.cloneguard.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowException;
import org.junit.jupiter.api.Test;

class DifferTest {
  private final Fixtures dev = new Fixtures("dev", 3);
  private final Differ differ = new Differ();

  @Test
  void reportsNoGapsWhenThePreserversKeptEverything() {
    DiffReport report = differ.diff(dev.snapshot(), dev.liveIntact(), "prod");

    assertThat(report.hasGaps()).isFalse();
    assertThat(report.snapshotRef()).isEqualTo("dev/20261204T101500Z-3f2a");
    assertThat(report.verdict()).first().isEqualTo(
        "prod's preservers kept 3/3 MID users, 3/3 direct role grants and 3/3 group memberships on dev");
    assertThat(report.verdict()).anyMatch(l -> l.startsWith("Nothing to restore"));
  }

  @Test
  void reportsEverythingMissingAfterAFullWipeInAdminWords() {
    DiffReport report = differ.diff(dev.snapshot(), dev.liveWiped(), "prod");

    assertThat(report.hasGaps()).isTrue();
    assertThat(report.gapCount("sys_user")).isEqualTo(3);
    assertThat(report.gapCount("sys_user_has_role")).as("direct grants only").isEqualTo(3);
    assertThat(report.gapCount("sys_user_grmember")).isEqualTo(3);
    assertThat(report.gapCount("sys_user_group")).isEqualTo(1);
    assertThat(report.gapCount("sys_group_has_role")).isEqualTo(1);
    assertThat(report.gapCount("sys_user_role")).isZero();
    assertThat(report.verdict()).first().isEqualTo(
        "prod's preservers kept 0/3 MID users, 0/3 direct role grants and 0/3 group memberships on dev;"
            + " group 'MID Server Users' is missing after the clone");
  }

  @Test
  void namesNoSourceWhenNoneIsGiven() {
    DiffReport report = differ.diff(dev.snapshot(), dev.liveWiped());

    assertThat(report.verdict().get(0)).startsWith("The preservers kept 0/3 MID users");
  }

  @Test
  void recognisesTheLegacyEngineFallbackWhereOnlyUsersSurvived() {
    FakeServiceNowClient live = dev.liveIntact();
    dev.grants.forEach(g -> live.remove("sys_user_has_role", g.sysId()));
    dev.memberships.forEach(m -> live.remove("sys_user_grmember", m.sysId()));

    DiffReport report = differ.diff(dev.snapshot(), live, "prod");

    assertThat(report.verdict().get(0)).isEqualTo(
        "prod's preservers kept 3/3 MID users, 0/3 direct role grants and 0/3 group memberships on dev");
    assertThat(report.verdict()).anyMatch(l -> l.contains("legacy clone engine"));
  }

  @Test
  void reportsASameNamedUserWithAnotherSysIdAsConflictNotMissing() {
    FakeServiceNowClient live = dev.liveIntact();
    live.remove("sys_user", Fixtures.userId(1));
    live.put(Record.of("sys_user", Fixtures.values("sys_id", "prod-user-1", "user_name", "mid.dev1", "active", "true", "roles", "mid_server")));
    live.put(Fixtures.grant("prod-grant-1", "prod-user-1", Fixtures.MID_ROLE, false));

    DiffReport report = differ.diff(dev.snapshot(), live);

    TableDiff users = report.table("sys_user").orElseThrow();
    assertThat(users.missing()).isEmpty();
    assertThat(users.conflicts()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("mid.dev1");
      assertThat(c.liveSysId()).isEqualTo("prod-user-1");
    });
    assertThat(users.extra()).as("the conflicting account is reported once, as the conflict").isEmpty();
    assertThat(users.kept()).isEqualTo(2);
    assertThat(report.verdict()).anyMatch(l -> l.startsWith("User 'mid.dev1' exists on dev with another sys_id (prod-user-1"));
  }

  @Test
  void reportsAChangedUserWithTheFieldsThatBreakALogin() {
    FakeServiceNowClient live = dev.liveIntact();
    live.put(dev.users.get(1).with("locked_out", "true").with("active", "false").with("email", "changed@example.com"));

    DiffReport report = differ.diff(dev.snapshot(), live);

    DiffItem changed = report.table("sys_user").orElseThrow().changed().get(0);
    assertThat(changed.name()).isEqualTo("mid.dev2");
    assertThat(changed.expected()).containsOnlyKeys("active", "locked_out").containsEntry("locked_out", "false");
    assertThat(changed.live()).containsEntry("locked_out", "true").containsEntry("active", "false");
    assertThat(report.gapCount("sys_user")).isEqualTo(1);
    assertThat(report.verdict()).contains("User 'mid.dev2' changed: active is false (was true), locked_out is true (was false)");
  }

  @Test
  void reportsLostRolesAsAChangeButIgnoresRolesGainedLive() {
    FakeServiceNowClient live = dev.liveIntact();
    live.put(dev.users.get(0).with("roles", "mid_server,soap_query,mid_group_role,itil"));
    live.put(dev.users.get(2).with("roles", "soap_query"));

    DiffReport report = differ.diff(dev.snapshot(), live);

    assertThat(report.table("sys_user").orElseThrow().changed()).extracting(DiffItem::name).containsExactly("mid.dev3");
    assertThat(report.verdict()).anyMatch(l -> l.contains("'mid.dev3' changed: lost roles mid_group_role, mid_server"));
  }

  @Test
  void reportsMidUsersAndGrantsTheSnapshotDoesNotKnowAsExtraOnly() {
    FakeServiceNowClient live = dev.liveIntact();
    live.put(Record.of("sys_user", Fixtures.values("sys_id", "prod-mid", "user_name", "mid.prod1", "roles", "mid_server")));
    live.put(Fixtures.grant("prod-mid-grant", "prod-mid", Fixtures.MID_ROLE, false));
    live.put(Fixtures.grant("extra-grant", Fixtures.userId(1), Fixtures.GROUP_ROLE_ROLE, false));

    DiffReport report = differ.diff(dev.snapshot(), live);

    assertThat(report.hasGaps()).isFalse();
    assertThat(report.table("sys_user").orElseThrow().extra()).extracting(DiffItem::name).containsExactly("mid.prod1");
    assertThat(report.table("sys_user_has_role").orElseThrow().extra()).extracting(DiffItem::name).containsExactly("mid.dev1 → mid_group_role");
    assertThat(report.verdict()).anyMatch(l -> l.contains("not in the snapshot (reported only, not touched): 'mid.prod1'"));
  }

  @Test
  void countsAGrantRecreatedUnderAnotherSysIdAsPresent() {
    FakeServiceNowClient live = dev.liveIntact();
    live.remove("sys_user_has_role", "grant-1");
    live.put(Fixtures.grant("recreated", Fixtures.userId(1), Fixtures.MID_ROLE, false));

    assertThat(differ.diff(dev.snapshot(), live).gapCount("sys_user_has_role")).isZero();
  }

  @Test
  void doesNotCountAnInheritedGrantAsTheMissingDirectOne() {
    FakeServiceNowClient live = dev.liveIntact();
    live.remove("sys_user_has_role", "grant-1");
    live.put(Fixtures.grant("inherited-now", Fixtures.userId(1), Fixtures.MID_ROLE, true));

    assertThat(differ.diff(dev.snapshot(), live).table("sys_user_has_role").orElseThrow().missing())
        .extracting(DiffItem::name).containsExactly("mid.dev1 → mid_server");
  }

  @Test
  void reportsARoleThatNoLongerExists() {
    FakeServiceNowClient live = dev.liveIntact();
    live.remove("sys_user_role", Fixtures.GROUP_ROLE_ROLE);

    DiffReport report = differ.diff(dev.snapshot(), live);

    assertThat(report.table("sys_user_role").orElseThrow().missing()).extracting(DiffItem::name).containsExactly("mid_group_role");
    assertThat(report.verdict()).anyMatch(l -> l.startsWith("Role 'mid_group_role' does not exist on dev"));
  }

  @Test
  void recreatesTheGroupEvenWhenTheSourceHasOneOfTheSameName() {
    FakeServiceNowClient live = dev.liveWiped();
    live.put(Record.of("sys_user_group", Fixtures.values("sys_id", "prod-group", "name", Fixtures.GROUP_NAME)));

    DiffReport report = differ.diff(dev.snapshot(), live, "prod");

    assertThat(report.table("sys_user_group").orElseThrow().missing()).singleElement()
        .satisfies(g -> assertThat(g.liveSysId()).isEqualTo("prod-group"));
    assertThat(report.verdict()).anyMatch(l -> l.startsWith("A group named 'MID Server Users' exists on dev with another sys_id (prod-group"));
  }

  @Test
  void comparesTheOtherTablesWhenOneMayNotBeRead() {
    FakeServiceNowClient live = dev.liveWiped();
    live.forbiddenReads.add("sys_user_grmember");

    DiffReport report = differ.diff(dev.snapshot(), live, "prod");

    assertThat(report.table("sys_user_grmember").orElseThrow().unreadableTable()).isTrue();
    assertThat(report.gapCount("sys_user")).isEqualTo(3);
    assertThat(report.failures()).singleElement().satisfies(f -> assertThat(f)
        .startsWith("sys_user_grmember could not be read on dev (403 forbidden: read of sys_user_grmember refused by ACL (HTTP 403))")
        .endsWith("give the CloneGuard account read and write access to sys_user_grmember, then rerun"));
    assertThat(report.verdict().get(0)).startsWith("prod's preservers kept 0/3 MID users, 0/3 direct role grants and ?/3 group memberships on dev");
  }

  @Test
  void refusesToTrustAQueryThePlatformIgnored() {
    FakeServiceNowClient live = dev.liveIntact();
    live.put(Record.of("sys_user_group", Fixtures.values("sys_id", "other-group", "name", "Service Desk")));
    live.ignoreQueries = true;

    assertThatThrownBy(() -> differ.diff(dev.snapshot(), live))
        .isInstanceOf(ServiceNowException.UnexpectedRow.class)
        .hasMessageContaining("other-group");
  }

  @Test
  void readsInBoundedChunksSoUrlsStayShort() {
    Fixtures big = new Fixtures("dev", 250);
    FakeServiceNowClient live = big.liveIntact();

    differ.diff(big.snapshot(), live);

    assertThat(live.reads()).allSatisfy(q -> assertThat(q.length()).isLessThan(LiveReader.MAX_IN_CHARS + 100));
    assertThat(live.reads()).filteredOn(q -> q.startsWith("sys_user?")).hasSizeGreaterThanOrEqualTo(3);
  }
}
