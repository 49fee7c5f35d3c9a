package io.cloneguard.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path dir;

  private static AuditEntry entry(int i, String detail) {
    return new AuditEntry(Instant.parse("2026-12-04T16:00:00Z").plusSeconds(i), "dev", "sys_user", "id-" + i, "insert", AuditEntry.OK,
        "20261204T101500Z-3f2a", "plan-1", detail);
  }

  @Test
  void writesOneJsonLinePerEntryInAPrivateFile() throws Exception {
    Path file = dir.resolve("state/audit.jsonl");
    try (AuditLog log = new AuditLog(file)) {
      log.append(entry(1, "mid.dev1"));
      log.append(entry(2, "mid.dev2"));
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("{").contains("\"time\":\"2026-12-04T16:00:01Z\"").contains("\"action\":\"insert\"");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(new AuditLog(file).entries()).containsExactly(entry(1, "mid.dev1"), entry(2, "mid.dev2"));
  }

  @Test
  void userWhoseInsertWasStartedButNeverLoggedAsDoneStillAwaitsItsPassword() {
    Path file = dir.resolve("audit.jsonl");
    try (AuditLog log = new AuditLog(file)) {
      log.append(step("u-killed", "insert", AuditEntry.STARTED));
      log.append(step("u-done", "insert", AuditEntry.STARTED));
      log.append(step("u-done", "insert", AuditEntry.OK));
      log.append(step("u-done", "set_password", AuditEntry.OK));
      log.append(step("u-waiting", "insert", AuditEntry.OK));
    }

    assertThat(new AuditLog(file).usersAwaitingPassword("dev")).containsExactlyInAnyOrder("u-killed", "u-waiting");
    assertThat(new AuditLog(file).usersAwaitingPassword("test")).isEmpty();
  }

  private static AuditEntry step(String sysId, String action, String outcome) {
    return new AuditEntry(Instant.parse("2026-12-04T16:00:00Z"), "dev", "sys_user", sysId, action, outcome, "20261204T101500Z-3f2a", "plan-1", "");
  }

  @Test
  void neverWritesAKnownSecret() throws Exception {
    Secret.of("hunter2-secret-value");
    Path file = dir.resolve("audit.jsonl");
    try (AuditLog log = new AuditLog(file)) {
      log.append(entry(1, "failed: 401 for password hunter2-secret-value"));
    }

    assertThat(Files.readString(file)).doesNotContain("hunter2-secret-value").contains("***");
  }

  @Test
  void keepsEveryEntryWhenManyThreadsAppendAtOnce() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (AuditLog log = new AuditLog(file)) {
      IntStream.range(0, 400).forEach(i -> pool.submit(() -> log.append(entry(i, "row " + i))));
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(new AuditLog(file).entries()).hasSize(400).extracting(AuditEntry::sysId).doesNotHaveDuplicates();
  }

  @Test
  void readsPastATornLastLineLeftByACrash() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (AuditLog log = new AuditLog(file)) {
      log.append(entry(1, "mid.dev1"));
    }
    Files.writeString(file, "{\"time\":\"2026-12-04T16:", StandardOpenOption.APPEND);

    assertThat(new AuditLog(file).entries()).containsExactly(entry(1, "mid.dev1"));
  }

  @Test
  void readsNothingBeforeTheFirstWrite() {
    assertThat(new AuditLog(dir.resolve("none.jsonl")).entries()).isEmpty();
  }
}
