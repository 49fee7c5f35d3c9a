package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Runs the demo: two simulated instances, a clone wipes the MID users, CloneGuard restores them.")
final class DemoCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("demo is not implemented yet");
  }
}
