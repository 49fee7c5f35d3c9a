package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Shows snapshots, clone workflows and MID Servers per instance.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("status is not implemented yet");
  }
}
