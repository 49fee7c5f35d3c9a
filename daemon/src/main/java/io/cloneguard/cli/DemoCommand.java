package io.cloneguard.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cloneguard demo}. The demo lives in the e2e module (it drives the simulator), which an
 * installed CloneGuard does not ship, so it is loaded by name and its absence is a usage error.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Runs the demo: two simulated instances, a clone wipes the MID users, CloneGuard restores them.")
final class DemoCommand implements Callable<Integer> {
  static final String DEMO_CLASS = "io.cloneguard.e2e.Demo";

  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Option(names = "--keep", description = "Leave the simulators and the daemon running at the end and print how to explore them (stop with Ctrl-C).")
  boolean keep;

  @Override
  public Integer call() {
    Method run = checkoutEntryPoint(DEMO_CLASS, "run", boolean.class, PrintStream.class);
    if (run == null) {
      spec.commandLine().getErr().println("cloneguard: the demo ships with the source checkout: run ./cloneguard demo from it");
      spec.commandLine().getErr().flush();
      return Main.USAGE;
    }
    return invoke(run, keep, System.out);
  }

  /**
   * A {@code public static int} method of the source checkout's test modules, or null when it is
   * not on the class path: the product must not depend on them, and an installed one lacks them.
   */
  static Method checkoutEntryPoint(String className, String name, Class<?>... parameterTypes) {
    try {
      Method m = Class.forName(className).getMethod(name, parameterTypes);
      return Modifier.isStatic(m.getModifiers()) && m.getReturnType() == int.class ? m : null;
    } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
      return null;
    }
  }

  /** Calls it and returns its exit code; what it throws goes to Main's one-line error handler. */
  static int invoke(Method method, Object... args) {
    try {
      return (Integer) method.invoke(null, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + method, e);
    }
  }
}
