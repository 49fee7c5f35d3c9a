package io.cloneguard.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/** One simulated clone: its state, the states it went through, and the controls an admin has. */
public final class CloneHandle {
  private final CloneEngine engine;
  private final SimInstance source;
  private final SimInstance target;
  private final CloneOptions options;
  private final String requestSysId;
  private final List<String> history = new ArrayList<>();
  private String message = "";
  ScheduledFuture<?> pending;
  /** Target tables before the clone, for a rollback. */
  Map<String, Table> preClone;
  /** Target rows the source's preservers matched, by table. */
  Map<String, List<Map<String, String>>> preserved;

  CloneHandle(CloneEngine engine, SimInstance source, SimInstance target, CloneOptions options, String requestSysId) {
    this.engine = engine;
    this.source = source;
    this.target = target;
    this.options = options;
    this.requestSysId = requestSysId;
  }

  public SimInstance source() {
    return source;
  }

  public SimInstance target() {
    return target;
  }

  public CloneOptions options() {
    return options;
  }

  /** The clone_instance row on the source, or null for an unannounced clone. */
  public String requestSysId() {
    return requestSysId;
  }

  public synchronized String state() {
    return history.isEmpty() ? "" : history.get(history.size() - 1);
  }

  /** Every state so far, oldest first. */
  public synchronized List<String> history() {
    return List.copyOf(history);
  }

  public synchronized String message() {
    return message;
  }

  /**
   * Waits until the clone has reached {@code state} (now or earlier); throws with the states seen
   * when it does not within {@code timeout}.
   */
  public synchronized CloneHandle awaitState(String state, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (history.stream().noneMatch(s -> s.equalsIgnoreCase(state))) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("clone " + source.name() + " -> " + target.name() + " did not reach state " + state
            + " within " + timeout + "; states so far: " + history);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for clone state " + state, e);
      }
    }
    return this;
  }

  /** Cancels a clone that is not Active yet; returns false when it is too late. */
  public boolean cancel() {
    return engine.cancel(this);
  }

  /** Releases a clone on Hold: it proceeds to Scheduled, Active, Completed. */
  public void release() {
    engine.release(this);
  }

  /** Asks for a rollback of a Completed clone: Rollback Requested, Rolling back, Rolled back. */
  public void rollback() {
    engine.rollback(this);
  }

  synchronized void enter(String state, String why) {
    history.add(state);
    message = why == null ? "" : why;
    notifyAll();
  }

  @Override
  public String toString() {
    return "Clone[" + source.name() + " -> " + target.name() + " " + state() + "]";
  }
}
