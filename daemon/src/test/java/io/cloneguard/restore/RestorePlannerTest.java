package io.cloneguard.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloneguard.config.Secret;
import io.cloneguard.restore.RestoreStep.Action;
import io.cloneguard.restore.RestoreStep.Phase;
import io.cloneguard.servicenow.Record;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestorePlannerTest {
  @TempDir Path dir;
  private final Fixtures dev = new Fixtures("dev", 3);
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-04T16:30:00Z"), ZoneOffset.UTC);
  private final RestorePlanner planner = new RestorePlanner(clock, null);

  private PasswordEscrow escrowWith(String... users) {
    PasswordEscrow escrow = new PasswordEscrow(dir, TestKeys.newAead());
    for (String u : users) {
      escrow.put("dev", u, Secret.of("pw-of-" + u));
    }
    return escrow;
  }

  @Test
  void ordersAFullWipeByReferenceGroupsUsersGrantsMembershipsPasswords() {
    DiffReport diff = new Differ().diff(dev.snapshot(), dev.liveWiped());

    RestorePlan plan = planner.plan(dev.snapshot(), diff, Set.of(), escrowWith("mid.dev1", "mid.dev2", "mid.dev3"));

    assertThat(plan.id()).startsWith("20261204T163000Z-");
    assertThat(plan.snapshotRef()).isEqualTo("dev/20261204T101500Z-3f2a");
    assertThat(plan.steps()).extracting(RestoreStep::phase).isSorted();
    assertThat(plan.steps(Phase.GROUPS)).extracting(RestoreStep::sysId).containsExactly(Fixtures.GROUP);
    assertThat(plan.steps(Phase.USERS)).extracting(RestoreStep::name).containsExactly("mid.dev1", "mid.dev2", "mid.dev3");
    assertThat(plan.steps(Phase.ROLE_GRANTS)).extracting(RestoreStep::table)
        .containsExactlyInAnyOrder("sys_user_has_role", "sys_user_has_role", "sys_user_has_role", "sys_group_has_role");
    assertThat(plan.steps(Phase.ROLE_GRANTS)).extracting(RestoreStep::sysId).doesNotContain("grant-soap-1", "grant-soap-2", "grant-soap-3");
    assertThat(plan.steps(Phase.MEMBERSHIPS)).hasSize(3).allSatisfy(s -> assertThat(s.requires()).contains(Fixtures.GROUP));
    assertThat(plan.steps(Phase.PASSWORDS)).extracting(RestoreStep::action).containsOnly(Action.SET_PASSWORD).hasSize(3);
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  void insertsUsersWithSnapshotValuesButNeverPasswordsOrPlatformFields() {
    DiffReport diff = new Differ().diff(dev.snapshot(), dev.liveWiped());

    RestoreStep user = planner.plan(dev.snapshot(), diff, Set.of(), null).steps(Phase.USERS).get(0);

    assertThat(user.values())
        .containsEntry("sys_id", Fixtures.userId(1))
        .containsEntry("user_name", "mid.dev1")
        .containsEntry("web_service_access_only", "true")
        .containsEntry("last_name", "Server 1")
        .doesNotContainKeys("password_needs_reset", "sys_created_on", "sys_updated_by", "sys_mod_count", "roles", "email");
    RestoreStep group = planner.plan(dev.snapshot(), diff, Set.of(), null).steps(Phase.GROUPS).get(0);
    assertThat(group.values()).containsOnlyKeys("sys_id", "name", "active");
  }

  @Test
  void notesEveryRestoredUserWithoutAnEscrowedPassword() {
    DiffReport diff = new Differ().diff(dev.snapshot(), dev.liveWiped());

    RestorePlan plan = planner.plan(dev.snapshot(), diff, Set.of(), escrowWith("mid.dev2"));

    assertThat(plan.steps(Phase.PASSWORDS)).extracting(RestoreStep::name).containsExactly("mid.dev2");
    assertThat(plan.notes()).hasSize(2).allSatisfy(n ->
        assertThat(n).contains("restored, password still needs to be set on the instance to match the MID Server's config.xml"));
    assertThat(plan.notes().get(0)).startsWith("user 'mid.dev1'");
  }

  @Test
  void restrictsASelectiveRestoreToTheUsersAndWhatTheyNeed() {
    DiffReport diff = new Differ().diff(dev.snapshot(), dev.liveWiped());

    RestorePlan plan = planner.plan(dev.snapshot(), diff, Set.of("mid.dev2"), escrowWith("mid.dev1", "mid.dev2"));

    assertThat(plan.steps()).extracting(RestoreStep::sysId)
        .containsExactly(Fixtures.GROUP, Fixtures.userId(2), "grant-2", "gr-1", "member-2", Fixtures.userId(2));
  }

  @Test
  void refusesASelectiveRestoreOfAUserTheSnapshotDoesNotHave() {
    DiffReport diff = new Differ().diff(dev.snapshot(), dev.liveWiped());

    assertThatThrownBy(() -> planner.plan(dev.snapshot(), diff, Set.of("mid.nobody"), null))
        .isInstanceOf(RestoreException.class)
        .hasMessage("user 'mid.nobody' is not a MID user in snapshot dev/20261204T101500Z-3f2a (it has 3 MID users;"
            + " see 'cloneguard show dev/20261204T101500Z-3f2a')");
  }

  @Test
  void leavesAConflictingUserAndEverythingOfItsAlone() {
    FakeServiceNowClient live = dev.liveWiped();
    live.put(Record.of("sys_user", Fixtures.values("sys_id", "prod-user-1", "user_name", "mid.dev1")));
    DiffReport diff = new Differ().diff(dev.snapshot(), live);

    RestorePlan plan = planner.plan(dev.snapshot(), diff, Set.of(), escrowWith("mid.dev1"));

    assertThat(plan.steps()).noneMatch(s -> s.sysId().equals(Fixtures.userId(1)) || s.requires().contains(Fixtures.userId(1)));
    assertThat(plan.steps(Phase.USERS)).hasSize(2);
    assertThat(plan.notes()).anyMatch(n -> n.equals(
        "user 'mid.dev1' exists on dev with another sys_id (prod-user-1): not overwritten; its 1 grant(s), 1 membership(s) and password are not restored"));
  }

  @Test
  void patchesOnlyTheFieldsThatChanged() {
    FakeServiceNowClient live = dev.liveIntact();
    live.put(dev.users.get(0).with("locked_out", "true").with("roles", ""));
    DiffReport diff = new Differ().diff(dev.snapshot(), live);

    RestorePlan plan = planner.plan(dev.snapshot(), diff, Set.of(), null);

    assertThat(plan.steps()).singleElement().satisfies(s -> {
      assertThat(s.action()).isEqualTo(Action.PATCH);
      assertThat(s.values()).containsExactlyEntriesOf(java.util.Map.of("locked_out", "false"));
    });
  }

  @Test
  void plansNothingWhenNothingIsMissing() {
    DiffReport diff = new Differ().diff(dev.snapshot(), dev.liveIntact());

    RestorePlan plan = planner.plan(dev.snapshot(), diff, Set.of(), escrowWith("mid.dev1"));

    assertThat(plan.isEmpty()).isTrue();
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  void skipsGrantsOfARoleThatNoLongerExistsAndSaysSo() {
    FakeServiceNowClient live = dev.liveWiped();
    live.remove("sys_user_role", Fixtures.GROUP_ROLE_ROLE);
    DiffReport diff = new Differ().diff(dev.snapshot(), live);

    RestorePlan plan = planner.plan(dev.snapshot(), diff, Set.of(), null);

    assertThat(plan.steps()).noneMatch(s -> s.table().equals("sys_group_has_role"));
    assertThat(plan.notes()).anyMatch(n -> n.startsWith("1 grant(s) use a role that does not exist on dev"));
  }

  @Test
  void setsThePasswordOfAUserAnInterruptedRestoreInsertedWithoutOne() {
    AuditLog audit = new AuditLog(dir.resolve("audit.jsonl"));
    audit.append(new AuditEntry(clock.instant(), "dev", "sys_user", Fixtures.userId(3), "insert", AuditEntry.OK, "s", "p", "mid.dev3"));
    audit.append(new AuditEntry(clock.instant(), "dev", "sys_user", Fixtures.userId(2), "insert", AuditEntry.OK, "s", "p", "mid.dev2"));
    audit.append(new AuditEntry(clock.instant(), "dev", "sys_user", Fixtures.userId(2), "set_password", AuditEntry.OK, "s", "p", "mid.dev2"));
    DiffReport diff = new Differ().diff(dev.snapshot(), dev.liveIntact());

    RestorePlan plan = new RestorePlanner(clock, audit).plan(dev.snapshot(), diff, Set.of(), escrowWith("mid.dev2", "mid.dev3"));

    assertThat(plan.steps()).singleElement().satisfies(s -> {
      assertThat(s.action()).isEqualTo(Action.SET_PASSWORD);
      assertThat(s.name()).isEqualTo("mid.dev3");
    });
  }
}
