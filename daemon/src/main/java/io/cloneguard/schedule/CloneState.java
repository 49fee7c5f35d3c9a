package io.cloneguard.schedule;

import java.util.Locale;

/**
 * The state of a clone request as CloneGuard understands it. The platform stores text
 * ({@code Active}, {@code Canceled}, ...) and the documentation names more states whose stored
 * spelling is unconfirmed, so a value and its display label are both matched case-insensitively,
 * ignoring spaces, dashes and underscores.
 */
public enum CloneState {
  DRAFT("draft"),
  REQUESTED("requested", "new"),
  SCHEDULED("scheduled"),
  HOLD("hold", "onhold"),
  ACTIVE("active", "inprogress", "running"),
  COMPLETED("completed", "complete"),
  ERROR("error", "failed"),
  CANCELED("canceled", "cancelled"),
  ROLLBACK_REQUESTED("rollbackrequested"),
  ROLLING_BACK("rollingback", "rollbackinprogress"),
  ROLLED_BACK("rolledback", "rollbackcompleted", "rollbackcomplete"),
  ROLLBACK_FAILURE("rollbackfailure", "rollbackfailed"),
  UNKNOWN();

  private final String[] spellings;

  CloneState(String... spellings) {
    this.spellings = spellings;
  }

  /** Matches the stored value first, then the display label; {@link #UNKNOWN} when neither matches. */
  public static CloneState parse(String value, String label) {
    CloneState byValue = match(value);
    return byValue != UNKNOWN ? byValue : match(label);
  }

  static CloneState match(String text) {
    if (text == null || text.isBlank()) {
      return UNKNOWN;
    }
    String key = text.toLowerCase(Locale.ROOT).replaceAll("[\\s_\\-]", "");
    for (CloneState s : values()) {
      for (String spelling : s.spellings) {
        if (spelling.equals(key)) {
          return s;
        }
      }
    }
    return UNKNOWN;
  }

  /** Copying has begun or is over: the target may already hold the source's data. */
  boolean started() {
    return this == ACTIVE || this == COMPLETED || rollback();
  }

  boolean rollback() {
    return this == ROLLBACK_REQUESTED || this == ROLLING_BACK || this == ROLLED_BACK || this == ROLLBACK_FAILURE;
  }
}
