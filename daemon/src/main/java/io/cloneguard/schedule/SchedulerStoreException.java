package io.cloneguard.schedule;

/** The scheduler/workflow database cannot be opened, created or written. Names the database, never its password. */
public final class SchedulerStoreException extends RuntimeException {
  public SchedulerStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
