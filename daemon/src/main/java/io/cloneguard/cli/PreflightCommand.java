package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "preflight", mixinStandardHelpOptions = true, description = "Checks credentials, permissions, preservers and storage.")
final class PreflightCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("preflight is not implemented yet");
  }
}
