package io.cloneguard.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Runs simulated ServiceNow instances. The simulator lives in the source checkout's test jars, so
 * it is loaded reflectively: the daemon does not depend on it.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true, description = "Runs simulated ServiceNow instances for trying CloneGuard.")
final class SimulatorCommand implements Callable<Integer> {
  static final String ENTRY = "io.cloneguard.sim.SimulatorMain";
  static final String MISSING = "cloneguard: the simulator ships with the source checkout: run ./cloneguard simulator from it";

  @ParentCommand Main main;
  @Spec CommandSpec spec;

  /** The class to run; a test points it at a missing one. */
  String entry = ENTRY;

  @Option(names = "--instances", split = ",", paramLabel = "NAME", description = "Instance names (default: prod,dev).")
  List<String> instances = new ArrayList<>(List.of("prod", "dev"));

  @Option(names = "--seed-mid-users", paramLabel = "N", description = "MID users (role mid_server) to create on each instance (default: 0).")
  int seedMidUsers;

  @Option(names = "--port", paramLabel = "P", description = "0 = ephemeral ports (default); otherwise instances listen on P, P+1, ...")
  int port;

  @Override
  public Integer call() {
    if (seedMidUsers < 0 || port < 0 || port > 65535) {
      throw new UsageException("--seed-mid-users must be >= 0 and --port 0..65535");
    }
    Method run;
    try {
      run = Class.forName(entry).getMethod("run", String[].class);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      spec.commandLine().getErr().println(MISSING);
      spec.commandLine().getErr().flush();
      return Main.USAGE;
    }
    String[] args = {"--instances", String.join(",", instances), "--seed-mid-users", String.valueOf(seedMidUsers), "--port", String.valueOf(port)};
    try {
      return (Integer) run.invoke(null, (Object) args);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + entry + ".run: " + e.getMessage(), e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
  }
}
