package io.cloneguard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cloneguard.e2e.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Runs every {@code io.cloneguard.bench.*Benchmark} class (each has
 * {@code public static Map<String,Object> run(PrintStream out)}), prints one table and writes one
 * JSON file per benchmark plus {@code summary.json} under {@code tests/target/bench/}. Benchmarks
 * are found reflectively, so one that has not been written yet is reported, not a build error.
 */
public final class BenchRunner {
  /** The benchmarks the issue asks for; any other *Benchmark class found in this package runs too. */
  static final List<String> EXPECTED =
      List.of("SimulatorBenchmark", "ClientPagingBenchmark", "SnapshotBenchmark", "RestoreBenchmark", "DaemonBenchmark");

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchRunner() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out));
  }

  /**
   * Runs the benchmarks whose simple names (with or without "Benchmark") are in {@code only}, or all
   * when it is empty. Returns 0 when every benchmark that exists ran, 3 when one failed, 2 when a
   * requested one does not exist.
   */
  public static int run(List<String> only, PrintStream out) {
    TreeSet<String> names = new TreeSet<>(discover());
    List<String> missing = EXPECTED.stream().filter(n -> !names.contains(n)).toList();
    List<String> selected = new ArrayList<>();
    for (String n : names) {
      if (only.isEmpty() || only.stream().anyMatch(o -> n.equalsIgnoreCase(o) || n.equalsIgnoreCase(o + "Benchmark"))) {
        selected.add(n);
      }
    }
    if (!only.isEmpty() && selected.isEmpty()) {
      out.println("cloneguard: no benchmark named " + String.join(", ", only) + "; available: " + String.join(", ", names));
      return 2;
    }
    Path dir = outputDir();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("machine", machine());
    summary.put("started", Instant.now().toString());
    Map<String, Object> results = new LinkedHashMap<>();
    TextTable table = new TextTable("benchmark", "figure", "value");
    boolean failed = false;
    for (String name : selected) {
      out.println("== " + name);
      out.flush();
      long t0 = System.nanoTime();
      Map<String, Object> result = new LinkedHashMap<>();
      try {
        result.putAll(invoke(name, out));
        result.put("benchmarkSeconds", round((System.nanoTime() - t0) / 1e9));
      } catch (RuntimeException | LinkageError e) {
        failed = true;
        Throwable cause = e instanceof BenchmarkFailed && e.getCause() != null ? e.getCause() : e;
        result.put("error", cause.getClass().getSimpleName() + ": " + cause.getMessage());
        out.println("   failed: " + result.get("error"));
      }
      results.put(name, result);
      flatten("", result, (k, v) -> table.row(name, k, format(v)));
      write(dir.resolve(name + ".json"), result);
    }
    for (String name : missing) {
      if (only.isEmpty()) {
        table.row(name, "-", "not available: class io.cloneguard.bench." + name + " is not on the class path");
      }
    }
    summary.put("results", results);
    summary.put("missing", missing);
    summary.put("finished", Instant.now().toString());
    write(dir.resolve("summary.json"), summary);
    out.println();
    out.print(table.render());
    out.println();
    out.println("machine: " + describeMachine());
    out.println("results written to " + dir);
    return failed ? 3 : 0;
  }

  /** The simple names of every *Benchmark class in this package, found in this class's jar or directory. */
  static List<String> discover() {
    TreeSet<String> found = new TreeSet<>();
    for (String name : EXPECTED) {
      if (load(name) != null) {
        found.add(name);
      }
    }
    try {
      Path source = Path.of(BenchRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      String pkg = BenchRunner.class.getPackageName().replace('.', '/') + "/";
      if (Files.isDirectory(source)) {
        try (Stream<Path> files = Files.list(source.resolve(pkg))) {
          files.map(p -> p.getFileName().toString()).forEach(f -> addIfBenchmark(found, f));
        }
      } else if (Files.isRegularFile(source)) {
        try (JarFile jar = new JarFile(source.toFile())) {
          jar.stream()
              .map(e -> e.getName())
              .filter(n -> n.startsWith(pkg) && n.indexOf('/', pkg.length()) < 0)
              .forEach(n -> addIfBenchmark(found, n.substring(pkg.length())));
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      // Scanning is a convenience on top of the fixed list; the fixed list still works.
    }
    return List.copyOf(found);
  }

  private static void addIfBenchmark(TreeSet<String> found, String fileName) {
    if (fileName.endsWith("Benchmark.class") && !fileName.contains("$")) {
      String name = fileName.substring(0, fileName.length() - ".class".length());
      if (load(name) != null) {
        found.add(name);
      }
    }
  }

  private static Method load(String simpleName) {
    try {
      Class<?> type = Class.forName(BenchRunner.class.getPackageName() + "." + simpleName);
      Method m = type.getMethod("run", PrintStream.class);
      return Modifier.isStatic(m.getModifiers()) && Map.class.isAssignableFrom(m.getReturnType()) ? m : null;
    } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> invoke(String name, PrintStream out) {
    try {
      Object result = load(name).invoke(null, out);
      return result == null ? Map.of() : (Map<String, Object>) result;
    } catch (InvocationTargetException e) {
      throw new BenchmarkFailed(name, e.getCause());
    } catch (IllegalAccessException e) {
      throw new BenchmarkFailed(name, e);
    }
  }

  /** Nested maps become dotted keys so the table stays two-dimensional. */
  @SuppressWarnings("unchecked")
  static void flatten(String prefix, Map<String, Object> map, java.util.function.BiConsumer<String, Object> sink) {
    for (Map.Entry<String, Object> e : map.entrySet()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested) {
        flatten(key, (Map<String, Object>) nested, sink);
      } else {
        sink.accept(key, e.getValue());
      }
    }
  }

  static String format(Object value) {
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.3g", d);
    }
    if (value instanceof Duration d) {
      return d.toMillis() + " ms";
    }
    return String.valueOf(value);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** {@code tests/target/bench} of the checkout: from cloneguard.root, else found above this jar, else the working directory. */
  static Path outputDir() {
    String root = System.getProperty("cloneguard.root");
    Path base = root != null ? Path.of(root) : checkoutRoot();
    Path dir = base.resolve("tests").resolve("target").resolve("bench");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + dir, e);
    }
    return dir.toAbsolutePath().normalize();
  }

  private static Path checkoutRoot() {
    try {
      Path p = Path.of(BenchRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
      for (; p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("cloneguard")) && Files.isDirectory(p.resolve("tests"))) {
          return p;
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the working directory
    }
    return Path.of("").toAbsolutePath();
  }

  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("memoryMiB", physicalMemoryMiB());
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    return m;
  }

  static String describeMachine() {
    Map<String, Object> m = machine();
    return m.get("cpus") + " cpus, " + m.get("memoryMiB") + " MiB, " + m.get("java") + ", " + m.get("os");
  }

  private static long physicalMemoryMiB() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / (1024 * 1024);
    }
    return -1;
  }

  private static void write(Path file, Object value) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), value);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /** A benchmark threw; carries its name. */
  static final class BenchmarkFailed extends RuntimeException {
    BenchmarkFailed(String name, Throwable cause) {
      super(name + " failed: " + cause, cause);
    }
  }
}
