package io.cloneguard.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CloneStateTest {
  @Test
  void matchesStoredValuesAndLabelsIgnoringCaseSpacesAndSpelling() {
    assertThat(CloneState.parse("Active", "")).isEqualTo(CloneState.ACTIVE);
    assertThat(CloneState.parse("canceled", "")).isEqualTo(CloneState.CANCELED);
    assertThat(CloneState.parse("CANCELLED", "")).isEqualTo(CloneState.CANCELED);
    assertThat(CloneState.parse("Rollback Requested", "")).isEqualTo(CloneState.ROLLBACK_REQUESTED);
    assertThat(CloneState.parse("rolled_back", "")).isEqualTo(CloneState.ROLLED_BACK);
    assertThat(CloneState.parse("Rollback failure", "")).isEqualTo(CloneState.ROLLBACK_FAILURE);
  }

  @Test
  void fallsBackToTheDisplayLabelWhenTheStoredValueIsACode() {
    assertThat(CloneState.parse("7", "Completed")).isEqualTo(CloneState.COMPLETED);
    assertThat(CloneState.parse("", "On Hold")).isEqualTo(CloneState.HOLD);
    assertThat(CloneState.parse("42", "Something new")).isEqualTo(CloneState.UNKNOWN);
  }

  @Test
  void onlyCopyingOrLaterStatesCountAsStarted() {
    assertThat(CloneState.SCHEDULED.started()).isFalse();
    assertThat(CloneState.HOLD.started()).isFalse();
    assertThat(CloneState.ACTIVE.started()).isTrue();
    assertThat(CloneState.COMPLETED.started()).isTrue();
    assertThat(CloneState.ROLLED_BACK.started()).isTrue();
  }
}
