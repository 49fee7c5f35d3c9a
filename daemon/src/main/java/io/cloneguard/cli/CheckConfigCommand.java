package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "check-config", mixinStandardHelpOptions = true, description = "Validates the configuration and prints it with secrets masked.")
final class CheckConfigCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("check-config is not implemented yet");
  }
}
