package io.cloneguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.config.ConfigException;
import io.cloneguard.config.Secret;
import io.cloneguard.logging.LogFormat;
import io.cloneguard.logging.LogSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  private static final String VALID =
      """
      instances:
        - name: dev
          url: https://dev.example.com
          auth: { type: basic, username: svc_cloneguard, password: main-test-pw }
      """;

  @TempDir Path dir;

  @AfterEach
  void loggingBackToDefaults() {
    LogSetup.configure(LogFormat.text, false);
  }

  private Path validConfig() throws Exception {
    return Files.writeString(dir.resolve("cloneguard.yaml"), VALID);
  }

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    CliRun r = CliRun.run("--help");

    assertThat(r.exitCode()).isZero();
    for (String command : List.of("daemon", "check-config", "keygen", "snapshot", "snapshots", "show", "diff", "restore",
        "escrow", "preflight", "status", "demo", "simulator")) {
      assertThat(r.out()).containsPattern("(?m)^  " + command + " ");
    }
    assertThat(r.out())
        .contains("--config=FILE", "--log-format=text|json", "-v, --verbose", "-V, --version")
        .contains("Exit codes:", "0  success", "1  gaps or differences found", "2  usage or configuration error", "3  runtime failure");
  }

  @Test
  void commandHelpWorksBothWays() {
    CliRun flag = CliRun.run("check-config", "--help");
    CliRun help = CliRun.run("help", "check-config");

    assertThat(flag.exitCode()).isZero();
    assertThat(flag.out()).contains("Usage: cloneguard check-config", "--output=text|json", "--config=FILE");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).isEqualTo(flag.out());
  }

  @Test
  void versionNamesVersionAndCommit() {
    CliRun r = CliRun.run("--version");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out().strip()).matches("cloneguard \\d+\\.\\d+\\.\\d+\\S* \\(commit (?:[0-9a-f]{7,}|unknown)\\)");
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun r = CliRun.run("--colour");

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("cloneguard: Unknown option: '--colour'").contains("Try 'cloneguard --help' for more information.");
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun r = CliRun.run("frobnicate");

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("Unmatched argument at index 0: 'frobnicate'");
  }

  @Test
  void misspeltCommandGetsASuggestion() {
    CliRun r = CliRun.run("check-confg");

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("Did you mean: cloneguard check-config");
  }

  @Test
  void noCommandPrintsUsageAndIsAUsageError() {
    CliRun r = CliRun.run();

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("cloneguard: missing command").contains("Usage: cloneguard");
  }

  @Test
  void badLogFormatIsAUsageError() {
    CliRun r = CliRun.run("--log-format", "xml", "check-config");

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("Invalid value for option '--log-format'", "xml");
  }

  @Test
  void badOutputFormatOfACommandIsAUsageError() {
    CliRun r = CliRun.run("check-config", "--output", "csv");

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.err()).contains("Invalid value for option '--output'").contains("Try 'cloneguard check-config --help'");
  }

  @Test
  void globalOptionsAreAcceptedBeforeOrAfterTheCommand() {
    for (String[] args : List.of(
        new String[] {"--config", "a.yaml", "--log-format", "json", "-v", "check-config"},
        new String[] {"check-config", "--config", "a.yaml", "--log-format", "JSON", "-v"},
        new String[] {"-v", "check-config", "--log-format=json", "--config=a.yaml"})) {
      CommandLine cl = Main.commandLine(Map.<String, String>of()::get);
      cl.parseArgs(args);
      Main main = cl.getCommand();

      assertThat(main.configPath()).as(String.join(" ", args)).isEqualTo(Path.of("a.yaml"));
      assertThat(main.logFormat()).as(String.join(" ", args)).isEqualTo("json");
      assertThat(main.verbose()).as(String.join(" ", args)).isTrue();
    }
  }

  @Test
  void configAfterTheCommandIsUsed() throws Exception {
    Path config = validConfig();

    CliRun after = CliRun.run("check-config", "--config", config.toString());
    CliRun before = CliRun.run("--config", config.toString(), "check-config");

    assertThat(after.exitCode()).isZero();
    assertThat(before.exitCode()).isZero();
    assertThat(after.out()).isEqualTo(before.out()).contains("name: dev");
    assertThat(after.err()).isEqualTo("cloneguard: " + config + " is valid (1 instance)\n");
  }

  @Test
  void configComesFromTheEnvironmentUnlessGivenOnTheCommandLine() throws Exception {
    Path config = validConfig();
    Map<String, String> env = Map.of("CLONEGUARD_CONFIG", config.toString());

    assertThat(CliRun.run(env, "check-config").exitCode()).isZero();
    CliRun overridden = CliRun.run(env, "check-config", "--config", dir.resolve("other.yaml").toString());
    assertThat(overridden.exitCode()).isEqualTo(Main.USAGE);
    assertThat(overridden.err()).contains("other.yaml: configuration file not found");
  }

  @Test
  void defaultPathIsUsedWithoutOptionOrEnvironment() {
    CommandLine cl = Main.commandLine(Map.<String, String>of()::get);
    cl.parseArgs("check-config");

    assertThat(((Main) cl.getCommand()).configPath()).isEqualTo(Path.of("/etc/cloneguard/cloneguard.yaml"));
  }

  @Test
  void missingConfigFileIsAConfigurationErrorWithAHint() {
    Path missing = dir.resolve("absent.yaml");

    CliRun r = CliRun.run(Map.of("CLONEGUARD_CONFIG", missing.toString()), "check-config");

    assertThat(r.exitCode()).isEqualTo(Main.USAGE);
    assertThat(r.err()).isEqualTo(missing + ": configuration file not found; give the path with --config FILE or the CLONEGUARD_CONFIG environment variable\n");
  }

  @Test
  void errorLinesAreMaskedAndMappedToExitCodes() {
    Secret secret = Secret.of("main-err-secret-9");
    StringWriter err = new StringWriter();

    Main.printError(new PrintWriter(err), new IllegalStateException("HTTP 401 for password main-err-secret-9"));
    Main.printError(new PrintWriter(err), new ConfigException(List.of("a.yaml:1: x: bad " + secret.reveal(), "a.yaml:2: y: bad")));

    assertThat(err.toString()).isEqualTo("cloneguard: HTTP 401 for password ***\na.yaml:1: x: bad ***\na.yaml:2: y: bad\n");
    assertThat(Main.exitCodeOf(new ConfigException("x"))).isEqualTo(Main.USAGE);
    assertThat(Main.exitCodeOf(new UsageException("x"))).isEqualTo(Main.USAGE);
    assertThat(Main.exitCodeOf(new IllegalStateException("x"))).isEqualTo(Main.FAILURE);
  }
}
