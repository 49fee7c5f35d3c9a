package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "snapshots", mixinStandardHelpOptions = true, description = "Lists stored snapshots.")
final class SnapshotsCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("snapshots is not implemented yet");
  }
}
