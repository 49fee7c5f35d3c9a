package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gives one line saying what was wrong, where, and what to do, with the documented exit
 * code: never a stack trace, never a secret.
 */
class BadInputsIT {
  @TempDir static Path dir;
  private static World world;

  @BeforeAll
  static void startInstances() {
    world = World.start(dir.resolve("world"), Landscape.Options.standard(), "restore");
  }

  @AfterAll
  static void stop() {
    if (world != null) {
      world.close();
    }
  }

  @Test
  @DisplayName("A broken config file is rejected with one line per problem, naming file, line and key, exit 2")
  void brokenConfigGivesEveryProblemWithFileLineAndKey() {
    String yaml = world.files.configText()
        .replace("policy: restore", "polcy: restore")
        .replace("poll: 500ms", "poll: soon");
    world.files.writeConfigText(yaml);
    try {
      CliRun check = world.cg("check-config");

      for (CliRun run : List.of(check)) {
        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderrLines()).as(run.describe()).hasSize(2);
        assertThat(run.stderrLines()).anySatisfy(l -> assertThat(l).matches(".*/cloneguard\\.yaml:\\d+: instances\\[1\\]\\.polcy: .*policy.*"));
        assertThat(run.stderrLines()).anySatisfy(l -> assertThat(l).matches(".*/cloneguard\\.yaml:\\d+: cloneRequests\\.poll: .*soon.*"));
        assertNoStackTrace(run);
      }
    } finally {
      world.files.write();
    }
  }

  @Test
  @DisplayName("The daemon refuses a broken config at start with one line per problem and exit 2, and does not start")
  void daemonRefusesBrokenConfig() {
    world.files.writeConfigText(world.files.configText().replace("settlePolls: 2", "settlePolls: many"));
    try {
      CliRun run = world.cg("daemon");

      assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
      assertThat(run.stderrLines()).as(run.describe()).singleElement().asString().matches(".*/cloneguard\\.yaml:\\d+: schedule\\.settlePolls: .*many.*");
      assertNoStackTrace(run);
    } finally {
      world.files.write();
    }
  }

  @Test
  @DisplayName("An unknown instance name is a usage error that lists the configured instances, exit 2")
  void unknownInstanceNameListsConfiguredOnes() {
    CliRun run = world.cg("snapshot", "staging");

    assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
    assertThat(run.stderrLines()).as(run.describe()).singleElement().asString().contains("staging").contains("prod").contains("dev");
    assertNoStackTrace(run);
  }

  @Test
  @DisplayName("A snapshot opened with the wrong key says which key file does not fit which snapshot, exit 3")
  void wrongKeySaysWhichKeyAndSnapshot() throws Exception {
    String ref = takeSnapshot();
    Path otherKey = dir.resolve("other.key");
    assertThat(world.cg("keygen", "--out", otherKey.toString()).exitCode()).isZero();
    Path otherConfig = dir.resolve("world").resolve("other-key.yaml");
    Files.writeString(otherConfig, world.files.configText().replace(world.files.keyFile().toString(), otherKey.toString()));

    CliRun run = world.cli.run(World.CLI_TIMEOUT, "--config", otherConfig.toString(), "show", ref);

    assertThat(run.exitCode()).as(run.describe()).isEqualTo(3);
    assertThat(run.stderrLines()).as(run.describe()).singleElement().asString().contains(ref).contains("key");
    assertNoStackTrace(run);
  }

  @Test
  @DisplayName("A tampered snapshot file is refused, naming the snapshot, exit 3")
  void tamperedSnapshotIsRefused() throws Exception {
    String ref = takeSnapshot();
    Path file = snapshotFile(ref);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5a;
    Path copyRef = file.resolveSibling("20991231T235959Z-beef.cgsnap");
    Files.write(copyRef, bytes);
    String tamperedRef = "dev/20991231T235959Z-beef";

    CliRun run = world.cg("show", tamperedRef);

    assertThat(run.exitCode()).as(run.describe()).isEqualTo(3);
    assertThat(run.stderrLines()).as(run.describe()).singleElement().asString().contains(tamperedRef.substring(4));
    assertNoStackTrace(run);
    Files.delete(copyRef);
  }

  @Test
  @DisplayName("Storage that is not a usable directory is reported with its path, exit 3")
  void unusableStorageIsReportedWithItsPath() throws Exception {
    Path notADir = dir.resolve("storage-is-a-file");
    Files.writeString(notADir, "not a directory\n");
    Path config = dir.resolve("world").resolve("bad-storage.yaml");
    Files.writeString(config, world.files.configText().replace("dir: " + world.files.storage(), "dir: " + notADir));

    CliRun run = world.cli.run(World.CLI_TIMEOUT, "--config", config.toString(), "snapshot", "dev");

    assertThat(run.exitCode()).as(run.describe()).isIn(2, 3);
    assertThat(run.stderrLines()).as(run.describe()).singleElement().asString().contains(notADir.toString());
    assertNoStackTrace(run);
  }

  private String takeSnapshot() {
    CliRun snapshot = world.cg("snapshot", "dev");
    assertThat(snapshot.exitCode()).as(snapshot.describe()).isZero();
    return snapshot.stdout().strip();
  }

  private Path snapshotFile(String ref) throws Exception {
    String id = ref.substring(ref.indexOf('/') + 1);
    try (Stream<Path> files = Files.walk(world.files.storage())) {
      return files.filter(p -> p.getFileName().toString().startsWith(id)).findFirst().orElseThrow();
    }
  }

  static void assertNoStackTrace(CliRun run) {
    assertThat(run.stderr() + run.stdout()).as(run.describe())
        .doesNotContain("Exception")
        .doesNotContainPattern("\\n\\s+at [a-z]+\\.");
  }
}
