package io.cloneguard.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.config.Secret;
import io.cloneguard.restore.RestoreStep.Phase;
import io.cloneguard.servicenow.Record;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestoreExecutorTest {
  @TempDir Path dir;
  private final Fixtures dev = new Fixtures("dev", 3);
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-04T16:30:00Z"), ZoneOffset.UTC);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private AuditLog audit;
  private PasswordEscrow escrow;
  private RestoreExecutor executor;

  @BeforeEach
  void setUp() {
    audit = new AuditLog(dir.resolve("audit.jsonl"));
    escrow = new PasswordEscrow(dir, TestKeys.newAead());
    for (int i = 1; i <= 3; i++) {
      escrow.put("dev", "mid.dev" + i, Secret.of("Escrowed-Pw-" + i));
    }
    executor = new RestoreExecutor(audit, registry, clock, 4);
  }

  private RestorePlan plan(FakeServiceNowClient live, Set<String> users) {
    DiffReport diff = new Differ().diff(dev.snapshot(), live);
    return new RestorePlanner(clock, audit).plan(dev.snapshot(), diff, users, escrow);
  }

  @Test
  void restoresAFullWipeWithTheSnapshotSysIdsAndPasswords() {
    FakeServiceNowClient live = dev.liveWiped();

    RestoreResult result = executor.execute(plan(live, Set.of()), live, escrow);

    assertThat(result.ok()).as(String.valueOf(result.failures())).isTrue();
    assertThat(result.written()).isEqualTo(1 + 3 + 4 + 3 + 3);
    assertThat(live.row("sys_user_group", Fixtures.GROUP)).isPresent();
    assertThat(live.row("sys_user", Fixtures.userId(2))).hasValueSatisfying(u -> assertThat(u.get("user_name")).isEqualTo("mid.dev2"));
    assertThat(live.row("sys_user_has_role", "grant-3")).isPresent();
    assertThat(live.row("sys_user_grmember", "member-1")).isPresent();
    assertThat(live.password(Fixtures.userId(1))).hasValue("Escrowed-Pw-1");
    assertThat(new Differ().diff(dev.snapshot(), live).hasGaps()).isFalse();
  }

  @Test
  void writesInPhaseOrderSoEveryReferenceExistsFirst() {
    FakeServiceNowClient live = dev.liveWiped();

    executor.execute(plan(live, Set.of()), live, escrow);

    List<String> writes = live.writes();
    int lastGroup = lastIndex(writes, "POST sys_user_group");
    int firstUser = firstIndex(writes, "POST sys_user ");
    int lastUser = lastIndex(writes, "POST sys_user ");
    int firstGrant = firstIndex(writes, "POST sys_user_has_role");
    int lastGrant = lastIndex(writes, "POST sys_user_has_role");
    int firstMember = firstIndex(writes, "POST sys_user_grmember");
    int lastMember = lastIndex(writes, "POST sys_user_grmember");
    int firstPassword = firstIndex(writes, "PASSWORD");
    assertThat(lastGroup).isLessThan(firstUser);
    assertThat(lastUser).isLessThan(firstGrant);
    assertThat(lastGrant).isLessThan(firstMember);
    assertThat(lastMember).isLessThan(firstPassword);
  }

  @Test
  void aSecondRunPlansNothingAndWritesNothing() {
    FakeServiceNowClient live = dev.liveWiped();
    executor.execute(plan(live, Set.of()), live, escrow);
    int writes = live.writes().size();

    RestorePlan again = plan(live, Set.of());
    RestoreResult result = executor.execute(again, live, escrow);

    assertThat(again.isEmpty()).isTrue();
    assertThat(result.written()).isZero();
    assertThat(live.writes()).hasSize(writes);
  }

  @Test
  void reExecutingAnOldPlanRereadsTheInstanceAndWritesNothing() {
    FakeServiceNowClient live = dev.liveWiped();
    RestorePlan plan = plan(live, Set.of());
    executor.execute(plan, live, escrow);
    int writes = live.writes().size();

    RestoreResult result = executor.execute(plan, live, escrow);

    assertThat(live.writes()).as("only the password steps write again: a password cannot be read back").hasSize(writes + 3);
    assertThat(result.skipped()).isEqualTo(plan.steps().size() - 3);
    assertThat(result.ok()).isTrue();
  }

  @Test
  void keepsGoingPastARefusedTableAndNamesIt() {
    FakeServiceNowClient live = dev.liveWiped();
    live.forbiddenWrites.add("sys_user_grmember");

    RestoreResult result = executor.execute(plan(live, Set.of()), live, escrow);

    assertThat(result.ok()).isFalse();
    assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f)
        .startsWith("sys_user_grmember: 403 forbidden on insert into sys_user_grmember:")
        .contains("3 rows not restored")
        .endsWith("Give the CloneGuard account write access to sys_user_grmember on dev, then rerun restore."));
    assertThat(live.rows("sys_user")).hasSize(3);
    assertThat(live.rows("sys_user_has_role")).hasSize(3);
    assertThat(live.password(Fixtures.userId(3))).as("passwords come after memberships and still go through").isPresent();
  }

  @Test
  void restoresTheRestAndFailsWhenATableMayNotEvenBeRead() {
    FakeServiceNowClient live = dev.liveWiped();
    live.forbiddenReads.add("sys_user_grmember");

    RestoreResult result = executor.execute(plan(live, Set.of()), live, escrow);

    assertThat(result.ok()).isFalse();
    assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f).startsWith("sys_user_grmember could not be read on dev"));
    assertThat(live.rows("sys_user")).hasSize(3);
    assertThat(live.rows("sys_user_grmember")).isEmpty();
    assertThat(live.password(Fixtures.userId(1))).isPresent();
  }

  @Test
  void aRerunAfterTheInstanceWentAwayMidwayCompletesWithoutDuplicates() {
    FakeServiceNowClient live = dev.liveWiped();
    live.unreachableAfterWrites = 5;

    RestoreResult first = executor.execute(plan(live, Set.of()), live, escrow);

    assertThat(first.ok()).isFalse();
    assertThat(first.failures()).anyMatch(f -> f.contains("step(s) not attempted; rerun restore when dev answers again"));
    assertThat(live.writes()).hasSize(5);

    live.unreachableAfterWrites = -1;
    RestoreResult second = executor.execute(plan(live, Set.of()), live, escrow);

    assertThat(second.ok()).as(String.valueOf(second.failures())).isTrue();
    assertThat(live.writes()).hasSize(14).doesNotHaveDuplicates();
    assertThat(new Differ().diff(dev.snapshot(), live).hasGaps()).isFalse();
    assertThat(live.password(Fixtures.userId(1))).isPresent();
  }

  @Test
  void anInterruptedRunFinishesTheWritesInFlightAndARerunDoesTheRest() {
    FakeServiceNowClient live = dev.liveWiped();
    Thread caller = Thread.currentThread();
    AtomicInteger writes = new AtomicInteger();
    live.onWrite = () -> {
      if (writes.incrementAndGet() == 2) {
        caller.interrupt(); // as a shutdown would: the thread running the restore is interrupted
      }
    };

    RestoreResult first = executor.execute(plan(live, Set.of()), live, escrow);
    boolean flagKept = Thread.interrupted();

    assertThat(flagKept).as("the interrupt is passed on to the caller").isTrue();
    assertThat(first.ok()).isFalse();
    assertThat(first.failures()).anyMatch(f -> f.startsWith("the restore was interrupted: "));
    assertThat(live.writes().size()).isLessThan(14);
    live.onWrite = () -> {};
    RestoreResult second = executor.execute(plan(live, Set.of()), live, escrow);
    assertThat(second.ok()).isTrue();
    assertThat(live.writes()).hasSize(14).doesNotHaveDuplicates();
  }

  @Test
  void setsPasswordsOfUsersInsertedBeforeAnInterruption() {
    FakeServiceNowClient live = dev.liveWiped();
    live.unreachableAfterWrites = 4; // group and the three users, then the instance is gone
    executor.execute(plan(live, Set.of()), live, escrow);
    assertThat(live.rows("sys_user")).hasSize(3);
    live.unreachableAfterWrites = -1;

    RestorePlan rerun = plan(live, Set.of());
    executor.execute(rerun, live, escrow);

    assertThat(rerun.steps(Phase.USERS)).isEmpty();
    assertThat(rerun.steps(Phase.PASSWORDS)).hasSize(3);
    assertThat(live.password(Fixtures.userId(2))).hasValue("Escrowed-Pw-2");
    assertThat(plan(live, Set.of()).isEmpty()).as("and a third run has nothing left").isTrue();
  }

  @Test
  void reportsAnotherSysIdAssignedByThePlatformAndSkipsWhatDependsOnIt() {
    FakeServiceNowClient live = dev.liveWiped();
    live.assignOwnSysIds.add("sys_user_group");

    RestoreResult result = executor.execute(plan(live, Set.of()), live, escrow);

    assertThat(result.failures()).anyMatch(f -> f.startsWith("insert sys_user_group MID Server Users (group-mid): the platform stored it as "));
    assertThat(result.failures()).anyMatch(f -> f.equals("4 step(s) skipped because a record they need was not restored"));
    assertThat(live.rows("sys_user_grmember")).isEmpty();
    assertThat(live.rows("sys_user_has_role")).hasSize(3);
  }

  @Test
  void stopsOnlyTheConflictingUsersPartWhenItsNameIsTakenDuringTheRun() {
    FakeServiceNowClient live = dev.liveWiped();
    RestorePlan plan = plan(live, Set.of());
    live.put(Record.of("sys_user", Fixtures.values("sys_id", "someone-else", "user_name", "mid.dev2")));

    RestoreResult result = executor.execute(plan, live, escrow);

    assertThat(result.failures()).anyMatch(f -> f.contains("conflict: sys_user 'mid.dev2' now exists on dev with another sys_id (someone-else); not overwritten"));
    assertThat(live.row("sys_user", "someone-else").orElseThrow().values()).containsOnlyKeys("sys_id", "user_name");
    assertThat(live.rows("sys_user_has_role")).extracting(Record::sysId).containsExactlyInAnyOrder("grant-1", "grant-3");
    assertThat(live.password(Fixtures.userId(2))).isEmpty();
    assertThat(live.password(Fixtures.userId(3))).isPresent();
  }

  @Test
  void patchesOnlyTheListedFields() {
    FakeServiceNowClient live = dev.liveIntact();
    live.put(dev.users.get(0).with("locked_out", "true").with("email", "live@example.com"));

    executor.execute(plan(live, Set.of()), live, escrow);

    assertThat(live.writes()).containsExactly("PATCH sys_user user-001 {locked_out=false}");
    assertThat(live.row("sys_user", Fixtures.userId(1)).orElseThrow().get("email")).isEqualTo("live@example.com");
  }

  @Test
  void auditsEveryWriteBeforeAndAfterWithoutPasswords() throws Exception {
    FakeServiceNowClient live = dev.liveWiped();
    RestorePlan plan = plan(live, Set.of("mid.dev1"));

    executor.execute(plan, live, escrow);

    List<AuditEntry> entries = audit.entries();
    assertThat(entries).filteredOn(e -> Fixtures.userId(1).equals(e.sysId()) && "insert".equals(e.action()))
        .extracting(AuditEntry::outcome).containsExactly(AuditEntry.STARTED, AuditEntry.OK);
    assertThat(entries).filteredOn(e -> "set_password".equals(e.action())).extracting(AuditEntry::outcome)
        .containsExactly(AuditEntry.STARTED, AuditEntry.OK);
    assertThat(entries).allSatisfy(e -> {
      assertThat(e.planId()).isEqualTo(plan.id());
      assertThat(e.snapshotId()).isEqualTo("20261204T101500Z-3f2a");
      assertThat(e.instance()).isEqualTo("dev");
    });
    assertThat(entries.get(0).action()).isEqualTo("restore");
    assertThat(Files.readString(dir.resolve("audit.jsonl"))).doesNotContain("Escrowed-Pw-1");
  }

  @Test
  void countsWritesPerTableAndOutcome() {
    FakeServiceNowClient live = dev.liveWiped();
    live.forbiddenWrites.add("sys_user_grmember");

    executor.execute(plan(live, Set.of()), live, escrow);

    assertThat(registry.get(RestoreExecutor.WRITES_METRIC).tags("instance", "dev", "table", "sys_user_has_role", "outcome", "ok").counter().count())
        .isEqualTo(3);
    assertThat(registry.get(RestoreExecutor.WRITES_METRIC).tags("instance", "dev", "table", "sys_user_grmember", "outcome", "failed").counter().count())
        .isEqualTo(3);
  }

  @Test
  void runsTheWritesOfAPhaseInParallelUpToTheConcurrency() throws Exception {
    Fixtures many = new Fixtures("dev", 8);
    FakeServiceNowClient live = many.liveWiped();
    live.putAll(many.groups).putAll(many.groupRoles);
    CountDownLatch fourInFlight = new CountDownLatch(4);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    live.onWrite = () -> {
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      fourInFlight.countDown();
      try {
        // Each write waits until four are in flight at once: only a parallel executor gets past this.
        assertThat(fourInFlight.await(5, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
      }
    };
    DiffReport diff = new Differ().diff(many.snapshot(), live);
    RestorePlan plan = new RestorePlanner(clock, null).plan(many.snapshot(), diff, Set.of(), null);

    RestoreResult result = executor.execute(plan, live, null);

    assertThat(result.ok()).isTrue();
    assertThat(peak.get()).isEqualTo(4);
  }

  private static int firstIndex(List<String> writes, String prefix) {
    for (int i = 0; i < writes.size(); i++) {
      if (writes.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no write starting with " + prefix + " in " + writes);
  }

  private static int lastIndex(List<String> writes, String prefix) {
    for (int i = writes.size() - 1; i >= 0; i--) {
      if (writes.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no write starting with " + prefix + " in " + writes);
  }
}
