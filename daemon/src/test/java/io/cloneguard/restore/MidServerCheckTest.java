package io.cloneguard.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloneguard.config.Secret;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.servicenow.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MidServerCheckTest {
  @TempDir Path dir;
  private final Fixtures dev = new Fixtures("dev", 5);
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T17:00:00Z"));
  private final List<Duration> sleeps = new ArrayList<>();

  /** A sleeper that advances the fake clock and lets the test change the instance between polls. */
  private Sleeper sleeper(IntConsumer afterSleep) {
    return d -> {
      sleeps.add(d);
      clock.advance(d);
      afterSleep.accept(sleeps.size());
    };
  }

  private void setStatus(FakeServiceNowClient live, int agent, String status) {
    live.put(live.row("ecc_agent", "agent-" + agent).orElseThrow().with("status", status));
  }

  @Test
  void returnsAsSoonAsEveryAgentThatWasUpIsUpAgain() {
    FakeServiceNowClient live = dev.liveIntact();
    for (int i = 1; i <= 5; i++) {
      setStatus(live, i, "Down");
    }
    MidServerCheck check = new MidServerCheck(clock, sleeper(n -> {
      if (n == 2) {
        for (int i = 1; i <= 5; i++) {
          setStatus(live, i, "Up");
        }
      }
    }), null, List.of("mid_server"));

    MidReport report = check.await(dev.snapshot(), live, Duration.ofMinutes(15), Duration.ofSeconds(10));

    assertThat(report.allUp()).isTrue();
    assertThat(report.agents()).hasSize(5).allSatisfy(a -> assertThat(a.cause()).isNull());
    assertThat(sleeps).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
    assertThat(live.writes()).isEmpty();
  }

  @Test
  void givesUpAtTheTimeoutAndExplainsEachAgentStillDown() {
    FakeServiceNowClient live = dev.liveIntact();
    for (int i = 1; i <= 5; i++) {
      setStatus(live, i, "Down");
    }
    live.remove("sys_user", Fixtures.userId(1));
    live.put(dev.users.get(1).with("roles", "soap_query"));
    live.put(dev.users.get(4).with("locked_out", "true"));
    live.put(live.row("ecc_agent", "agent-4").orElseThrow().with("validated", "false"));
    PasswordEscrow escrow = new PasswordEscrow(dir, TestKeys.newAead());
    escrow.put("dev", "mid.dev4", Secret.of("Escrowed-4"));
    MidServerCheck check = new MidServerCheck(clock, sleeper(n -> {}), escrow, List.of("mid_server"));

    MidReport report = check.await(dev.snapshot(), live, Duration.ofSeconds(25), Duration.ofSeconds(10));

    assertThat(report.allUp()).isFalse();
    assertThat(sleeps).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5));
    assertThat(report.down()).extracting(MidStatus::userName).containsExactly("mid.dev1", "mid.dev2", "mid.dev3", "mid.dev4", "mid.dev5");
    assertThat(report.down()).extracting(MidStatus::cause).containsExactly(
        "account missing: there is no user 'mid.dev1' on dev; run cloneguard restore dev --user mid.dev1",
        "role missing: 'mid.dev2' does not hold mid_server on dev",
        "password not escrowed: set the password of 'mid.dev3' on dev to match the MID Server's config.xml (or escrow it and rerun restore)",
        "not validated (validated=false): validate the MID Server on dev",
        "account 'mid.dev5' is locked out on dev");
  }

  @Test
  void waitsOnlyForAgentsThatWereUpWhenTheSnapshotWasTaken() {
    Fixtures fixtures = new Fixtures("dev", 2);
    fixtures.agents.set(1, fixtures.agents.get(1).with("status", "Down"));
    FakeServiceNowClient live = fixtures.liveIntact();
    MidServerCheck check = new MidServerCheck(clock, sleeper(n -> {}), null, List.of("mid_server"));

    MidReport report = check.await(fixtures.snapshot(), live, Duration.ofMinutes(1), Duration.ofSeconds(5));

    assertThat(report.agents()).extracting(MidStatus::name).containsExactly("mid-1");
    assertThat(report.allUp()).isTrue();
    assertThat(sleeps).isEmpty();
  }

  @Test
  void reportsThePlatformsCloneIssuesWithoutResolvingThem() {
    FakeServiceNowClient live = dev.liveIntact();
    live.put(Record.of("ecc_agent_issue", Fixtures.values("sys_id", "issue-1", "mid_server", "agent-2", "source", "InstanceClone",
        "message", "MID Server not operational (status: Down), possibly due to recent clone", "state", "new", "last_detected", "2026-12-04 16:15:00")));
    live.put(Record.of("ecc_agent_issue", Fixtures.values("sys_id", "issue-2", "mid_server", "agent-3", "source", "Other", "message", "disk full")));
    MidServerCheck check = new MidServerCheck(clock, sleeper(n -> {}), null, List.of("mid_server"));

    MidReport report = check.await(dev.snapshot(), live, Duration.ofMinutes(1), Duration.ofSeconds(5));

    assertThat(report.cloneIssues()).containsExactly(
        "MID Server not operational (status: Down), possibly due to recent clone (MID Server agent-2, state new, last detected 2026-12-04 16:15:00)");
    assertThat(live.writes()).isEmpty();
  }

  @Test
  void keepsPollingThroughABriefOutage() {
    FakeServiceNowClient live = dev.liveIntact();
    live.unreachableAfterWrites = 0;
    MidServerCheck check = new MidServerCheck(clock, sleeper(n -> live.unreachableAfterWrites = -1), null, List.of("mid_server"));

    MidReport report = check.await(dev.snapshot(), live, Duration.ofMinutes(1), Duration.ofSeconds(5));

    assertThat(report.allUp()).isTrue();
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void failsWithTheReasonWhenTheInstanceNeverAnswers() {
    FakeServiceNowClient live = dev.liveIntact();
    live.unreachableAfterWrites = 0;
    MidServerCheck check = new MidServerCheck(clock, sleeper(n -> {}), null, List.of("mid_server"));

    assertThatThrownBy(() -> check.await(dev.snapshot(), live, Duration.ofSeconds(20), Duration.ofSeconds(5)))
        .isInstanceOf(ServiceNowException.Unreachable.class);
  }

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
