package io.cloneguard.snapshot;

/**
 * A snapshot could not be taken, written, found or opened. Unchecked; the message is one line that
 * names the instance, snapshot ref or file and, where there is one, what to do about it. Subtypes
 * exist for the cases callers treat differently (a wrong key is an operator error, a tampered file
 * is an incident).
 */
public class SnapshotException extends RuntimeException {
  public SnapshotException(String message) {
    super(message);
  }

  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The data was encrypted with a key that is not in the loaded keyset. */
  public static final class WrongKey extends SnapshotException {
    public WrongKey(String message) {
      super(message);
    }
  }

  /** Authentication failed: the bytes were modified, truncated, or belong to another instance or id. */
  public static final class Tampered extends SnapshotException {
    public Tampered(String message) {
      super(message);
    }
  }

  /** The file declares a format version this CloneGuard does not know. */
  public static final class UnsupportedFormat extends SnapshotException {
    public UnsupportedFormat(String message) {
      super(message);
    }
  }

  /** No snapshot with that ref exists. */
  public static final class NotFound extends SnapshotException {
    public NotFound(String message) {
      super(message);
    }
  }
}
