package io.cloneguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.SimulatorExtension;
import io.cloneguard.snapshot.SnapshotKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code cloneguard snapshot} against the simulator over real HTTP. */
class SnapshotCommandTest {
  @RegisterExtension static SimulatorExtension sim = SimulatorExtension.instances("prod", "dev");

  @TempDir Path tmp;
  private Path config;
  private Path storage;

  @BeforeEach
  void setUp() throws Exception {
    SimInstance prod = sim.instance("prod");
    SimInstance dev = sim.instance("dev");
    prod.seed(Seed.midUsers(3).midServers(1));
    dev.seed(Seed.midUsers(4).groups(2).midServers(2));
    storage = tmp.resolve("storage");
    Path key = tmp.resolve("cloneguard.key");
    SnapshotKey.generate(key);
    config = tmp.resolve("cloneguard.yaml");
    Files.writeString(config, """
        storage:
          dir: %s
          keyFile: %s
          keepPerInstance: 2
        http:
          maxRequestsPerSecond: 10000
          maxRetries: 0
        instances:
          - name: prod
            url: %s
            auth: { type: basic, username: %s, password: "%s" }
            watchCloneRequests: true
          - name: dev
            url: %s
            auth: { type: basic, username: %s, password: "%s" }
            guard: true
        """.formatted(storage, key, prod.url(), prod.adminUser(), prod.adminPassword(), dev.url(), dev.adminUser(), dev.adminPassword()));
  }

  private long files(String instance) throws Exception {
    Path dir = storage.resolve(instance);
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".cgsnap")).count();
    }
  }

  @Test
  void snapshotPrintsTheRefOfEachInstanceAndShowReadsItBack() {
    CliRun run = CliRun.run("--config", config.toString(), "snapshot", "dev", "prod");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.OK);
    assertThat(run.out().lines().toList()).hasSize(2)
        .satisfies(l -> assertThat(l.get(0)).matches("dev/\\d{8}T\\d{6}Z-[0-9a-f]{4}"))
        .satisfies(l -> assertThat(l.get(1)).matches("prod/\\d{8}T\\d{6}Z-[0-9a-f]{4}"));
    CliRun show = CliRun.run("--config", config.toString(), "show", run.out().lines().findFirst().orElseThrow());
    assertThat(show.out()).contains("MID users (4):").contains("MID Servers (2):");
  }

  @Test
  void oneFailingInstanceExits3WithTheReasonAndTheOthersAreStillSnapshotted() throws Exception {
    sim.instance("prod").faults().failNext("sys_user_grmember", 403, Integer.MAX_VALUE);

    CliRun run = CliRun.run("--config", config.toString(), "snapshot", "prod", "dev");

    assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
    assertThat(run.out().strip()).matches("dev/\\d{8}T\\d{6}Z-[0-9a-f]{4}");
    assertThat(run.err().strip()).startsWith("cloneguard: snapshot of prod not taken: reading sys_user_grmember failed:");
    assertThat(run.err().lines().count()).isEqualTo(1);
    assertThat(files("prod")).isZero();
    assertThat(files("dev")).isEqualTo(1);
  }

  @Test
  void jsonOutputListsSnapshotsAndFailures() throws Exception {
    CliRun run = CliRun.run("--config", config.toString(), "snapshot", "dev", "--output", "json");

    JsonNode json = Json.MAPPER.readTree(run.out());
    assertThat(json.at("/snapshots/0/instance").asText()).isEqualTo("dev");
    assertThat(json.at("/snapshots/0/counts/sys_user").asInt()).isEqualTo(4);
    assertThat(json.at("/snapshots/0/trigger").asText()).isEqualTo("manual");
    assertThat(json.at("/failures").size()).isZero();
  }

  @Test
  void retentionKeepsTheNewestPerInstance() throws Exception {
    for (int i = 0; i < 3; i++) {
      CliRun run = CliRun.run("--config", config.toString(), "snapshot", "dev");
      assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.OK);
    }

    // keepPerInstance is 2; snapshots within one second share the timestamp, so ids still differ by their random suffix
    assertThat(files("dev")).isEqualTo(2);
  }
}
