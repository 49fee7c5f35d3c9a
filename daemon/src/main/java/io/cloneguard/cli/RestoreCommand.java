package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "restore", mixinStandardHelpOptions = true, description = "Plans (and with --apply, performs) the restore of MID accounts from a snapshot.")
final class RestoreCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("restore is not implemented yet");
  }
}
