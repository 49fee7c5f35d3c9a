package io.cloneguard.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the real {@code cloneguard} command line as a separate JVM, the way a user runs it, and
 * captures everything it prints. Output goes to files, not pipes, so a chatty process can never
 * block on a full pipe and the captured text survives a SIGKILL for the secret scan.
 */
public final class CloneGuardLauncher {
  /** The same options as the {@code ./cloneguard} script: small and quick to start. */
  private static final List<String> JVM_OPTIONS =
      List.of("-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  private static final AtomicInteger RUNS = new AtomicInteger();

  private final String classpath;
  private final Path outputDir;
  private final Map<String, String> environment;

  private CloneGuardLauncher(String classpath, Path outputDir, Map<String, String> environment) {
    this.classpath = classpath;
    this.outputDir = outputDir;
    this.environment = Map.copyOf(environment);
  }

  /**
   * The product jar alone (system property {@code cloneguard.jar}, set by failsafe): what an
   * installed CloneGuard has, with no simulator or demo classes.
   */
  public static CloneGuardLauncher productJar(Path outputDir) {
    String jar = System.getProperty("cloneguard.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "system property cloneguard.jar must name the shaded product jar (got " + jar + "); run the scenarios with mvn verify");
    }
    return new CloneGuardLauncher(Path.of(jar).toAbsolutePath().toString(), outputDir, Map.of());
  }

  /**
   * The product jar plus the simulator and demo classes of this JVM's class path, as
   * {@code ./cloneguard} runs from a checkout (needed by {@code demo} and {@code simulator}).
   */
  public static CloneGuardLauncher checkout(Path outputDir) {
    List<String> entries = new ArrayList<>();
    String jar = System.getProperty("cloneguard.jar");
    if (jar != null && Files.isRegularFile(Path.of(jar))) {
      entries.add(Path.of(jar).toAbsolutePath().toString());
    }
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.contains("cloneguard-simulator") || entry.contains("simulator" + File.separator + "target")
          || entry.contains("cloneguard-e2e") || entry.contains("e2e" + File.separator + "target" + File.separator + "classes")) {
        entries.add(entry);
      }
    }
    return new CloneGuardLauncher(String.join(File.pathSeparator, entries), outputDir, Map.of());
  }

  /** This JVM's own class path: the demo starts its daemon child this way. */
  public static CloneGuardLauncher sameClasspath(Path outputDir) {
    return new CloneGuardLauncher(System.getProperty("java.class.path"), outputDir, Map.of());
  }

  /** A copy that sets extra environment variables in every process it starts. */
  public CloneGuardLauncher withEnvironment(Map<String, String> extra) {
    Map<String, String> merged = new LinkedHashMap<>(environment);
    merged.putAll(extra);
    return new CloneGuardLauncher(classpath, outputDir, merged);
  }

  public Path outputDir() {
    return outputDir;
  }

  /** Runs one command to completion; a process still running after {@code timeout} is killed and reported. */
  public CliRun run(Duration timeout, String... args) {
    long started = System.nanoTime();
    Started process = start("cli", List.of(args));
    try {
      if (!process.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.process().destroyForcibly().waitFor();
        throw new IllegalStateException(
            "cloneguard " + String.join(" ", args) + " did not finish within " + timeout + "; stderr so far: " + read(process.stderr()));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      return new CliRun(List.of(args), process.process().exitValue(), read(process.stdout()), read(process.stderr()), took);
    } catch (InterruptedException e) {
      process.process().destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running cloneguard " + String.join(" ", args), e);
    }
  }

  /** Starts {@code cloneguard --config <config> [options] daemon} whose /metrics, /readyz and /status listen on {@code metricsPort}. */
  public DaemonProcess startDaemon(Path config, int metricsPort, String... globalOptions) {
    List<String> args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(globalOptions));
    args.add("daemon");
    return new DaemonProcess(start("daemon", args), metricsPort);
  }

  /** Starts any command in the background, output captured to files named after {@code label}. */
  public Started start(String label, List<String> args) {
    try {
      Files.createDirectories(outputDir);
      int n = RUNS.incrementAndGet();
      Path stdout = outputDir.resolve(label + "-" + n + ".stdout");
      Path stderr = outputDir.resolve(label + "-" + n + ".stderr");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(JVM_OPTIONS);
      command.add("-cp");
      command.add(classpath);
      command.add("io.cloneguard.cli.Main");
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      // A config path given by a scenario must win over the developer's own environment.
      builder.environment().remove("CLONEGUARD_CONFIG");
      builder.environment().put("TERM", "dumb");
      builder.environment().putAll(environment);
      return new Started(builder.start(), List.copyOf(args), stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start cloneguard " + String.join(" ", args), e);
    }
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A process that was started, with the files its output goes to. */
  public record Started(Process process, List<String> args, Path stdout, Path stderr) {
    public String stdoutText() {
      return read(stdout);
    }

    public String stderrText() {
      return read(stderr);
    }
  }
}
