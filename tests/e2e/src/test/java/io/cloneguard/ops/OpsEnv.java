package io.cloneguard.ops;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where the checkout and the built packages are, and how the ops tests run external tools. */
final class OpsEnv {
  private OpsEnv() {}

  /** The repository root (failsafe passes it; running from the e2e module also works). */
  static Path root() {
    String prop = System.getProperty("cloneguard.root");
    Path root = prop != null ? Path.of(prop) : Path.of("../..");
    return root.toAbsolutePath().normalize();
  }

  /** The project version, taken from the shaded jar's name that failsafe passes (cloneguard-0.1.0-all.jar). */
  static String version() {
    String jar = System.getProperty("cloneguard.jar");
    if (jar != null) {
      String name = Path.of(jar).getFileName().toString();
      if (name.startsWith("cloneguard-") && name.endsWith("-all.jar")) {
        return name.substring("cloneguard-".length(), name.length() - "-all.jar".length());
      }
    }
    throw new IllegalStateException("system property cloneguard.jar (…/cloneguard-<version>-all.jar) is not set; run through failsafe");
  }

  static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** The path of an executable on PATH, or null. */
  static Path which(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * A required tool: on CI (CI=true) its absence fails the test, elsewhere the test is skipped with a
   * message saying how to install it.
   */
  static Path requireTool(String tool, String installHint) {
    Path found = which(tool);
    if (found == null) {
      String message = tool + " is not on PATH; install it (" + installHint + ")";
      if (onCi()) {
        fail(message + " - CI=true, so this is a failure, not a skip");
      }
      assumeTrue(false, message);
    }
    return found;
  }

  /** A tool that only some hosts have (systemd-analyze in containers): skipped with a message when absent. */
  static Path optionalTool(String tool, String why) {
    Path found = which(tool);
    assumeTrue(found != null, tool + " is not on PATH, so " + why + " cannot be checked on this host");
    return found;
  }

  record Result(int exitCode, String output) {}

  /** Runs a command, stdout and stderr merged, and fails the test if it does not finish in two minutes. */
  static Result run(Path workDir, List<String> command) {
    List<String> cmd = new ArrayList<>(command);
    try {
      Path out = Files.createTempFile("cloneguard-ops-", ".out");
      try {
        Process process =
            new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail("timed out after 120s: " + String.join(" ", cmd));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
