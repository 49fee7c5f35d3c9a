package io.cloneguard.cli;

/** The command was called wrongly (unknown instance name, missing argument): exit code 2. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
