package io.cloneguard.restore;

/**
 * Verify or restore cannot go on: an unknown user or snapshot, an unreadable escrow or audit file.
 * The message is one line naming the instance, user or file, and what to do.
 */
public final class RestoreException extends RuntimeException {
  public RestoreException(String message) {
    super(message);
  }

  public RestoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
