package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "keygen", mixinStandardHelpOptions = true, description = "Writes a new snapshot encryption keyset.")
final class KeygenCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("keygen is not implemented yet");
  }
}
