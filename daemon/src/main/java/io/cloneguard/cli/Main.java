package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.ConfigException;
import io.cloneguard.config.ConfigLoader;
import io.cloneguard.config.SecretMask;
import io.cloneguard.servicenow.ServiceNowException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code cloneguard} command line. */
@Command(
    name = "cloneguard",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = "Keeps ServiceNow MID Server accounts alive across instance clones.",
    subcommands = {
      DaemonCommand.class,
      CheckConfigCommand.class,
      KeygenCommand.class,
      SnapshotCommand.class,
      SnapshotsCommand.class,
      ShowCommand.class,
      DiffCommand.class,
      RestoreCommand.class,
      EscrowCommand.class,
      PreflightCommand.class,
      StatusCommand.class,
      DemoCommand.class,
      SimulatorCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success, nothing to do",
      "  1  gaps or differences found (diff, preflight warnings)",
      "  2  usage or configuration error",
      "  3  runtime failure (instance unreachable, authentication failed, I/O)"
    })
public final class Main implements Runnable {
  public static final int OK = 0;
  public static final int GAPS = 1;
  public static final int USAGE = 2;
  public static final int FAILURE = 3;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "Configuration file (default: $CLONEGUARD_CONFIG or /etc/cloneguard/cloneguard.yaml).")
  Path configFile;

  @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "text|json", description = "Log line format (default: text).")
  String logFormat = "text";

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Log debug detail.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of main). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(Main::exitCodeOf);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          printError(cmd.getErr(), ex);
          return exitCodeOf(ex);
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("cloneguard: " + SecretMask.mask(ex.getMessage()));
          err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
          return USAGE;
        });
    return cl;
  }

  static int exitCodeOf(Throwable ex) {
    if (ex instanceof ConfigException || ex instanceof UsageException) {
      return USAGE;
    }
    return FAILURE;
  }

  static void printError(PrintWriter err, Throwable ex) {
    if (ex instanceof ConfigException ce) {
      ce.problems().forEach(p -> err.println(SecretMask.mask(p)));
    } else if (ex instanceof ServiceNowException sne) {
      err.println("cloneguard: " + SecretMask.mask(sne.getMessage()));
    } else {
      String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      err.println("cloneguard: " + SecretMask.mask(message));
    }
    err.flush();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The configuration file this invocation uses. */
  public Path configPath() {
    if (configFile != null) {
      return configFile;
    }
    String env = System.getenv("CLONEGUARD_CONFIG");
    return Path.of(env != null && !env.isBlank() ? env : "/etc/cloneguard/cloneguard.yaml");
  }

  /** Loads and validates the configuration; a {@link ConfigException} becomes exit code 2. */
  public CloneGuardConfig loadConfig() {
    return ConfigLoader.load(configPath());
  }

  public boolean verbose() {
    return verbose;
  }

  public String logFormat() {
    return logFormat;
  }
}
