package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "daemon", mixinStandardHelpOptions = true, description = "Runs the unattended service: watches clone requests, snapshots, verifies and restores.")
final class DaemonCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("daemon is not implemented yet");
  }
}
