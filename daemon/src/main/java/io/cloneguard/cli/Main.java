package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.ConfigException;
import io.cloneguard.config.ConfigLoader;
import io.cloneguard.config.SecretMask;
import io.cloneguard.logging.LogFormat;
import io.cloneguard.logging.LogSetup;
import io.cloneguard.servicenow.ServiceNowException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.LoggerFactory;
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
public final class Main implements Callable<Integer> {
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

  @Option(
      names = "--log-format",
      scope = ScopeType.INHERIT,
      paramLabel = "text|json",
      description = "Log lines on stderr as text (default) or JSON, one object per line (journald, log shippers).")
  LogFormat logFormat = LogFormat.text;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Log debug detail.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The environment for CLONEGUARD_CONFIG and ${env:...} references; tests give their own. */
  private final Function<String, String> env;

  Main() {
    this(System::getenv);
  }

  Main(Function<String, String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this instead of main). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return commandLine(System::getenv);
  }

  static CommandLine commandLine(Function<String, String> env) {
    Main main = new Main(env);
    CommandLine cl = new CommandLine(main);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExitCodeExceptionMapper(Main::exitCodeOf);
    // Logging is configured once the options are parsed (wherever they were given) and before any command runs.
    cl.setExecutionStrategy(
        parseResult -> {
          LogSetup.configure(main.logFormat, main.verbose);
          return new CommandLine.RunLast().execute(parseResult);
        });
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          printError(cmd.getErr(), ex);
          if (!(ex instanceof ConfigException) && !(ex instanceof UsageException)) {
            LoggerFactory.getLogger(Main.class).debug("{} failed", cmd.getCommandSpec().qualifiedName(), ex);
          }
          return exitCodeOf(ex);
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("cloneguard: " + SecretMask.mask(ex.getMessage()));
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
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

  /** {@code cloneguard} without a command: the usage on stderr, exit code 2. */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("cloneguard: missing command");
    spec.commandLine().usage(err);
    err.flush();
    return USAGE;
  }

  /** The configuration file this invocation uses: --config, else $CLONEGUARD_CONFIG, else the default. */
  public Path configPath() {
    if (configFile != null) {
      return configFile;
    }
    String fromEnv = env.apply("CLONEGUARD_CONFIG");
    return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : ConfigLoader.DEFAULT_PATH;
  }

  /** Loads and validates the configuration; a {@link ConfigException} becomes exit code 2. */
  public CloneGuardConfig loadConfig() {
    return ConfigLoader.load(configPath(), env);
  }

  /** The environment of this invocation (tests substitute it). */
  public Function<String, String> env() {
    return env;
  }

  public boolean verbose() {
    return verbose;
  }

  public String logFormat() {
    return logFormat.name();
  }
}
