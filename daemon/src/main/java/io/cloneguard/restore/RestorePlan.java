package io.cloneguard.restore;

import java.util.List;

/**
 * The writes that would put an instance's MID accounts back as a snapshot had them, in the order
 * they must run. Planning reads and decides; it never writes.
 *
 * @param id unique per plan, recorded with every audit entry of its execution
 * @param notes what the plan leaves out and why (conflicts, missing roles, passwords not escrowed)
 * @param failures what could not even be planned (a table the account may not read); execution reports them as failures
 */
public record RestorePlan(String id, String instance, String snapshotRef, List<RestoreStep> steps, List<String> notes, List<String> failures) {
  public RestorePlan {
    steps = List.copyOf(steps);
    notes = List.copyOf(notes);
    failures = List.copyOf(failures);
  }

  public RestorePlan(String id, String instance, String snapshotRef, List<RestoreStep> steps) {
    this(id, instance, snapshotRef, steps, List.of(), List.of());
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  public List<RestoreStep> steps(RestoreStep.Phase phase) {
    return steps.stream().filter(s -> s.phase() == phase).toList();
  }

  /** The snapshot id without the instance prefix. */
  public String snapshotId() {
    int slash = snapshotRef.indexOf('/');
    return slash < 0 ? snapshotRef : snapshotRef.substring(slash + 1);
  }
}
