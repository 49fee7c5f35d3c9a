package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "simulator", mixinStandardHelpOptions = true, description = "Runs simulated ServiceNow instances for trying CloneGuard.")
final class SimulatorCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("simulator is not implemented yet");
  }
}
