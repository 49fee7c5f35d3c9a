package io.cloneguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloneguard.sim.CloneOptions;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SeedResult;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.SimulatorExtension;
import io.cloneguard.snapshot.SnapshotKey;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cloneguard diff}, {@code restore} and {@code escrow} against the simulator over real HTTP. */
class RestoreCommandTest {
  @RegisterExtension
  static SimulatorExtension sim = SimulatorExtension.instances("prod", "dev").configure(b -> b.midTickerPeriod(Duration.ofMillis(40)));

  @TempDir Path tmp;
  private Path config;
  private Path key;
  private SimInstance prod;
  private SimInstance dev;
  private SeedResult seeded;

  @BeforeEach
  void setUp() throws Exception {
    prod = sim.instance("prod");
    dev = sim.instance("dev");
    prod.seed(Seed.midUsers(2).midServers(1));
    seeded = dev.seed(Seed.midUsers(4).groups(2).midServers(2));
    key = tmp.resolve("cloneguard.key");
    SnapshotKey.generate(key);
    config = tmp.resolve("cloneguard.yaml");
    writeConfig();
    CliRun snapshot = run("snapshot", "dev");
    assertThat(snapshot.exitCode()).as(snapshot.err()).isZero();
  }

  /** The config with each instance's admin password as it is now: a clone gives dev prod's admin password. */
  private void writeConfig() throws Exception {
    Files.writeString(config, """
        storage:
          dir: %s
          keyFile: %s
        http:
          maxRequestsPerSecond: 10000
          maxRetries: 0
        schedule:
          midUpTimeout: 5s
          midCheckInterval: 50ms
        instances:
          - name: prod
            url: %s
            auth: { type: basic, username: %s, password: "%s" }
            watchCloneRequests: true
          - name: dev
            url: %s
            auth: { type: basic, username: %s, password: "%s" }
            guard: true
        """.formatted(tmp.resolve("storage"), key, prod.url(), prod.adminUser(), prod.adminPassword(), dev.url(), dev.adminUser(),
        dev.adminPassword()));
  }

  private void cloneProdOverDev() throws Exception {
    sim.simulator().clone("prod", "dev", CloneOptions.defaults().phaseDuration(Duration.ofMillis(30))).awaitState("Completed", Duration.ofSeconds(10));
    writeConfig();
  }

  private CliRun run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return CliRun.run(all);
  }

  /** {@code escrow set} with the given standard input. */
  private CliRun escrowFromStdin(String user, String stdin) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine(Map.<String, String>of()::get);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    EscrowCommand.Set set = cl.getSubcommands().get("escrow").getSubcommands().get("set").getCommand();
    set.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    int code = cl.execute("--config", config.toString(), "escrow", "set", "dev", user);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Test
  void diffExitsZeroWhenIntactAndOneWithTheVerdictAfterAWipe() throws Exception {
    CliRun intact = run("diff", "dev");
    assertThat(intact.exitCode()).as(intact.err()).isEqualTo(Main.OK);
    assertThat(intact.out()).contains("Nothing to restore");

    cloneProdOverDev();
    CliRun wiped = run("diff", "dev", "--source", "prod");

    assertThat(wiped.exitCode()).as(wiped.err()).isEqualTo(Main.GAPS);
    assertThat(wiped.out())
        .contains("prod's preservers kept 0/4 MID users, 0/4 direct role grants and 0/6 group memberships on dev")
        .contains("Missing (restore inserts them with their snapshot sys_ids):")
        .contains("sys_user  mid.dev.01 (" + seeded.midUserIds().get(0) + ")");
  }

  @Test
  void diffPrintsStableJson() throws Exception {
    cloneProdOverDev();

    CliRun run = run("diff", "dev", "--output", "json");

    JsonNode json = Json.MAPPER.readTree(run.out());
    assertThat(run.exitCode()).isEqualTo(Main.GAPS);
    assertThat(json.get("instance").asText()).isEqualTo("dev");
    assertThat(json.get("snapshot").asText()).startsWith("dev/");
    assertThat(json.get("hasGaps").asBoolean()).isTrue();
    assertThat(json.at("/gaps/sys_user").asInt()).isEqualTo(4);
    assertThat(json.at("/tables/1/table").asText()).isEqualTo("sys_user");
    assertThat(json.at("/tables/1/missing").size()).isEqualTo(4);
    assertThat(json.get("verdict").get(0).asText()).startsWith("The preservers kept 0/4 MID users");
  }

  @Test
  void aDryRunPrintsThePlanAndWritesNothing() throws Exception {
    cloneProdOverDev();
    dev.requestLog().clear();

    CliRun run = run("restore", "dev");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.GAPS);
    assertThat(run.out()).contains("Restore plan ").contains("1. groups (2)").contains("insert sys_user mid.dev.01")
        .contains("Dry run: nothing was written. Run again with --apply to restore.");
    assertThat(dev.requestLog().writes()).isZero();
  }

  @Test
  void applyingNeedsYesWhenNotOnATerminal() throws Exception {
    cloneProdOverDev();
    dev.requestLog().clear();

    CliRun run = run("restore", "dev", "--apply");

    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("add --yes to confirm when not running on a terminal");
    assertThat(dev.requestLog().writes()).isZero();
  }

  @Test
  void escrowedPasswordsBringTheMidServersBackUpAndASecondRunWritesNothing() throws Exception {
    Path pwFile = tmp.resolve("pw1");
    Files.writeString(pwFile, seeded.passwordOf("mid.dev.01") + "\n");
    CliRun fromFile = run("escrow", "set", "dev", "mid.dev.01", "--file", pwFile.toString());
    assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
    CliRun fromStdin = escrowFromStdin("mid.dev.02", seeded.passwordOf("mid.dev.02") + "\n");
    assertThat(fromStdin.exitCode()).as(fromStdin.err()).isZero();
    CliRun list = run("escrow", "list");
    assertThat(list.out()).isEqualTo("dev  mid.dev.01\ndev  mid.dev.02\n").doesNotContain(seeded.passwordOf("mid.dev.01"));
    cloneProdOverDev();

    CliRun restore = run("restore", "dev", "--user", "mid.dev.01", "--user", "mid.dev.02", "--apply", "--yes");

    assertThat(restore.exitCode()).as(restore.out() + restore.err()).isEqualTo(Main.OK);
    assertThat(restore.out()).contains("0 failure(s)").contains("MID Servers that were Up in the snapshot: 2/2 Up");
    assertThat(restore.out() + restore.err()).doesNotContain(seeded.passwordOf("mid.dev.01"));
    dev.requestLog().clear();
    CliRun again = run("restore", "dev", "--user", "mid.dev.01", "--user", "mid.dev.02", "--apply", "--yes");
    assertThat(again.exitCode()).isEqualTo(Main.OK);
    assertThat(again.out()).contains("Nothing to restore.");
    assertThat(dev.requestLog().writes()).isZero();
  }

  @Test
  void exitsThreeAndNamesTheTableWhenMembershipsAreForbidden() throws Exception {
    cloneProdOverDev();
    dev.faults().failNext("sys_user_grmember", 403, Integer.MAX_VALUE);

    CliRun run = run("restore", "dev", "--apply", "--yes", "--no-mid-check");

    assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
    assertThat(run.out()).contains("Failures:").contains("sys_user_grmember could not be read on dev (403 forbidden");
    assertThat(dev.rows("sys_user", "user_nameSTARTSWITHmid.dev.")).hasSize(4);
  }

  @Test
  void diffExitsThreeWhenATableMayNotBeRead() throws Exception {
    cloneProdOverDev();
    dev.faults().failNext("sys_user_grmember", 403, Integer.MAX_VALUE);

    CliRun run = run("diff", "dev");

    assertThat(run.exitCode()).isEqualTo(Main.FAILURE);
    assertThat(run.err()).contains("cloneguard: sys_user_grmember could not be read on dev (403 forbidden");
    assertThat(run.out()).contains("The preservers kept 0/4 MID users, 0/4 direct role grants and ?/6 group memberships on dev");
  }

  @Test
  void restoringAUserTheSnapshotLacksIsAUsageError() {
    CliRun run = run("restore", "dev", "--user", "mid.nobody");

    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err().strip()).startsWith("cloneguard: restore --user mid.nobody: not a MID user in snapshot dev/")
        .endsWith("(its MID users: mid.dev.01, mid.dev.02, mid.dev.03, mid.dev.04)");
  }

  @Test
  void restorePrintsItsPlanAsJson() throws Exception {
    cloneProdOverDev();

    CliRun run = run("restore", "dev", "--output", "json");

    JsonNode json = Json.MAPPER.readTree(run.out());
    assertThat(json.get("dryRun").asBoolean()).isTrue();
    assertThat(json.at("/plan/steps").size()).isEqualTo(2 + 4 + 4 + 1 + 6);
    assertThat(json.at("/plan/steps/0/phase").asText()).isEqualTo("GROUPS");
    assertThat(json.at("/plan/notes").size()).as("no password escrowed for any of the 4 users").isEqualTo(4);
  }

  @Test
  void escrowRefusesAnEmptyPasswordAndListsNothingThen() {
    CliRun empty = escrowFromStdin("mid.dev.01", "\n");

    assertThat(empty.exitCode()).isEqualTo(Main.USAGE);
    assertThat(empty.err()).contains("the password for 'mid.dev.01' on dev is empty (nothing on standard input); nothing stored");
    CliRun list = run("escrow", "list", "dev", "--output", "json");
    assertThat(list.out().replaceAll("\\s", "")).isEqualTo("{\"dev\":[]}");
  }
}
