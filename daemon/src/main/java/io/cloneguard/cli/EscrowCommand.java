package io.cloneguard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "escrow", mixinStandardHelpOptions = true, description = "Stores MID Server passwords encrypted, for restore.")
final class EscrowCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Override
  public Integer call() {
    throw new UnsupportedOperationException("escrow is not implemented yet");
  }
}
