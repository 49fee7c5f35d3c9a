package io.cloneguard.cli;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloneguard bench}: runs the benchmarks of the source checkout (loaded by name, like the demo). */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Runs the benchmarks (source checkout only): prints a table and writes JSON under tests/target/bench/.")
final class BenchCommand implements Callable<Integer> {
  static final String RUNNER_CLASS = "io.cloneguard.bench.BenchRunner";

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", arity = "0..*", description = "Only these benchmarks, e.g. Snapshot or SnapshotBenchmark (default: all).")
  List<String> only = List.of();

  @Override
  public Integer call() {
    Method run = DemoCommand.checkoutEntryPoint(RUNNER_CLASS, "run", List.class, PrintStream.class);
    if (run == null) {
      spec.commandLine().getErr().println("cloneguard: the benchmarks ship with the source checkout: run ./cloneguard bench from it");
      spec.commandLine().getErr().flush();
      return Main.USAGE;
    }
    return DemoCommand.invoke(run, only, System.out);
  }
}
