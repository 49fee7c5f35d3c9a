package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Takes a snapshot of the MID Server accounts of one or more instances.")
final class SnapshotCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("snapshot is not implemented yet");
  }
}
