package io.cloneguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloneguard.snapshot.SnapshotKey;
import io.cloneguard.snapshot.SnapshotStore;
import io.cloneguard.snapshot.TestSnapshots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, snapshots and show through the real command line; snapshot itself is in SnapshotCommandTest (needs the simulator). */
class SnapshotCommandsTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:15:00Z");

  @TempDir Path tmp;
  private Path config;
  private Path keyFile;
  private Path storage;

  @BeforeEach
  void setUp() throws Exception {
    keyFile = tmp.resolve("cloneguard.key");
    storage = tmp.resolve("storage");
    config = tmp.resolve("cloneguard.yaml");
    Files.writeString(config, """
        storage:
          dir: %s
          keyFile: %s
          keepPerInstance: 3
        instances:
          - name: dev
            url: http://127.0.0.1:9
            auth: { type: basic, username: svc_cloneguard, password: cli-test-password }
            guard: true
          - name: prod
            url: http://127.0.0.1:9
            auth: { type: basic, username: svc_cloneguard, password: cli-test-password }
            watchCloneRequests: true
        """.formatted(storage, keyFile));
  }

  private SnapshotStore storeWithKey() {
    if (!Files.exists(keyFile)) {
      SnapshotKey.generate(keyFile);
    }
    return new SnapshotStore(storage, SnapshotKey.load(keyFile));
  }

  @Test
  void keygenWritesAPrivateKeysetAndRefusesToOverwriteIt() throws Exception {
    CliRun first = CliRun.run("keygen", "--out", keyFile.toString());

    assertThat(first.exitCode()).isEqualTo(Main.OK);
    assertThat(first.out()).startsWith("wrote keyset " + keyFile).contains("Back it up now");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    String before = Files.readString(keyFile);

    CliRun second = CliRun.run("keygen", "--out", keyFile.toString());

    assertThat(second.exitCode()).isEqualTo(Main.USAGE);
    assertThat(second.err().strip()).isEqualTo("cloneguard: " + keyFile + " already exists; refusing to overwrite a keyset"
        + " (losing it makes every snapshot unreadable); use --rotate to add a key to it");
    assertThat(Files.readString(keyFile)).isEqualTo(before);
  }

  @Test
  void keygenRotateKeepsOldSnapshotsReadable() {
    SnapshotStore store = storeWithKey();
    store.save(TestSnapshots.small("dev", "20261204T101500Z-0001", T0));

    CliRun rotate = CliRun.run("keygen", "--out", keyFile.toString(), "--rotate");

    assertThat(rotate.exitCode()).isEqualTo(Main.OK);
    assertThat(rotate.out()).contains("as primary (2 keys)");
    CliRun show = CliRun.run("--config", config.toString(), "show", "dev/20261204T101500Z-0001");
    assertThat(show.exitCode()).as(show.err()).isEqualTo(Main.OK);
  }

  @Test
  void keygenRotateOfAMissingFileIsAUsageError() {
    CliRun run = CliRun.run("keygen", "--out", keyFile.toString(), "--rotate");

    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains(keyFile + " does not exist; create a keyset first");
  }

  @Test
  void snapshotsListsNewestFirstWithCountsAndSize() {
    SnapshotStore store = storeWithKey();
    store.save(TestSnapshots.small("dev", "20261204T101500Z-0001", T0));
    store.save(TestSnapshots.small("dev", "20261205T101500Z-0002", T0.plusSeconds(86_400), "clone:abc123"));
    store.save(TestSnapshots.small("prod", "20261204T111500Z-0003", T0.plusSeconds(3600), "baseline"));

    CliRun all = CliRun.run("--config", config.toString(), "snapshots");
    CliRun dev = CliRun.run("--config", config.toString(), "snapshots", "dev");

    assertThat(all.exitCode()).as(all.err()).isEqualTo(Main.OK);
    assertThat(all.out().lines().toList()).hasSize(4);
    assertThat(all.out().lines().skip(1).map(l -> l.split("\\s+")[0]).toList())
        .containsExactly("dev/20261205T101500Z-0002", "prod/20261204T111500Z-0003", "dev/20261204T101500Z-0001");
    assertThat(dev.out().lines().toList()).hasSize(3);
    assertThat(dev.out().lines().skip(1).findFirst().orElseThrow())
        .matches("dev/20261205T101500Z-0002\\s+2026-12-05T10:15:00Z\\s+1\\s+1\\s+1\\s+1\\s+1\\s+\\d+ B\\s+clone:abc123");
  }

  @Test
  void snapshotsAsJson() throws Exception {
    storeWithKey().save(TestSnapshots.small("dev", "20261204T101500Z-0001", T0));

    CliRun run = CliRun.run("--config", config.toString(), "snapshots", "dev", "--output", "json");

    JsonNode json = Json.MAPPER.readTree(run.out());
    assertThat(json.at("/snapshots/0/id").asText()).isEqualTo("20261204T101500Z-0001");
    assertThat(json.at("/snapshots/0/instance").asText()).isEqualTo("dev");
    assertThat(json.at("/snapshots/0/takenAt").asText()).isEqualTo("2026-12-04T10:15:00Z");
    assertThat(json.at("/snapshots/0/trigger").asText()).isEqualTo("manual");
    assertThat(json.at("/snapshots/0/counts/sys_user").asInt()).isEqualTo(1);
    assertThat(json.at("/snapshots/0/sizeBytes").asLong()).isPositive();
    assertThat(json.at("/problems").size()).isZero();
  }

  @Test
  void snapshotsReportsAFileThatDoesNotOpenAndExits3() throws Exception {
    SnapshotStore store = storeWithKey();
    store.save(TestSnapshots.small("dev", "20261204T101500Z-0001", T0));
    Path file = storage.resolve("dev/20261204T101500Z-0001.cgsnap");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 25] ^= 1;
    Files.write(file, bytes);

    CliRun run = CliRun.run("--config", config.toString(), "snapshots", "dev");

    assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
    assertThat(run.out().strip()).isEqualTo("no snapshots");
    assertThat(run.err().strip()).isEqualTo("cloneguard: snapshot dev/20261204T101500Z-0001 failed authentication: the file was modified or truncated");
  }

  @Test
  void unknownInstanceIsAUsageErrorListingTheConfiguredOnes() {
    storeWithKey();

    CliRun run = CliRun.run("--config", config.toString(), "snapshots", "qa");

    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err().strip()).isEqualTo("cloneguard: unknown instance 'qa'; configured instances: dev, prod (in " + config + ")");
  }

  @Test
  void showPrintsASummaryOfUsersRolesGroupsAndMidServers() {
    storeWithKey().save(TestSnapshots.small("dev", "20261204T101500Z-0001", T0));

    CliRun run = CliRun.run("--config", config.toString(), "show", "20261204T101500Z-0001");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.OK);
    assertThat(run.out())
        .contains("snapshot dev/20261204T101500Z-0001")
        .contains("trigger:       manual")
        .contains("MID users (1):")
        .contains("  mid.dev  (u1, active=true)")
        .contains("      direct roles:    mid_server")
        .contains("      groups:          MID Servers")
        .contains("MID Servers (1):")
        .contains("  mid-dev-1  status=Up validated=true user=mid.dev");
  }

  @Test
  void showAsJsonPrintsTheWholeSnapshot() throws Exception {
    storeWithKey().save(TestSnapshots.small("dev", "20261204T101500Z-0001", T0));

    CliRun run = CliRun.run("--config", config.toString(), "show", "dev/20261204T101500Z-0001", "--output", "json");

    JsonNode json = Json.MAPPER.readTree(run.out());
    assertThat(json.at("/metadata/id").asText()).isEqualTo("20261204T101500Z-0001");
    assertThat(json.at("/users/0/values/user_name").asText()).isEqualTo("mid.dev");
    assertThat(json.at("/roleGrants/0/values/inherited").asText()).isEqualTo("false");
    assertThat(json.at("/midServers/0/values/name").asText()).isEqualTo("mid-dev-1");
  }

  @Test
  void showWithTheWrongKeyPrintsNothingButTheReason() {
    storeWithKey().save(TestSnapshots.small("dev", "20261204T101500Z-0001", T0));
    Path otherKey = tmp.resolve("other.key");
    SnapshotKey.generate(otherKey);
    Path otherConfig = tmp.resolve("other.yaml");
    try {
      Files.writeString(otherConfig, Files.readString(config).replace(keyFile.toString(), otherKey.toString()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    CliRun run = CliRun.run("--config", otherConfig.toString(), "show", "dev/20261204T101500Z-0001");

    assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("cloneguard: snapshot dev/20261204T101500Z-0001 was encrypted with a different key");
  }

  @Test
  void showOfAMissingSnapshotSaysHowToListThem() {
    storeWithKey();

    CliRun run = CliRun.run("--config", config.toString(), "show", "dev/20261204T101500Z-0009");

    assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
    assertThat(run.err().strip()).isEqualTo("cloneguard: snapshot dev/20261204T101500Z-0009 not found in " + storage.resolve("dev")
        + "; list them with 'cloneguard snapshots dev'");
  }

  @Test
  void snapshotOfAnUnknownInstanceIsAUsageError() {
    storeWithKey();

    CliRun run = CliRun.run("--config", config.toString(), "snapshot", "dev", "staging");

    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err().strip()).isEqualTo("cloneguard: unknown instance 'staging'; configured instances: dev, prod (in " + config + ")");
  }
}
