package io.cloneguard.restore;

import java.util.List;

/**
 * What a restore did.
 *
 * @param written writes the instance accepted
 * @param skipped steps that needed no write: the live instance already had what they would write
 * @param failures one line per cause, naming the table and what to do; empty when everything went through
 * @param warnings what still needs a human, e.g. passwords that were not escrowed, conflicts left alone
 * @param outcomes one entry per plan step, in plan order
 */
public record RestoreResult(String planId, int written, int skipped, List<String> failures, List<String> warnings, List<StepOutcome> outcomes) {
  public RestoreResult {
    failures = List.copyOf(failures);
    warnings = List.copyOf(warnings);
    outcomes = List.copyOf(outcomes);
  }

  public RestoreResult(String planId, int written, int skipped, List<String> failures, List<String> warnings) {
    this(planId, written, skipped, failures, warnings, List.of());
  }

  public boolean ok() {
    return failures.isEmpty();
  }
}
