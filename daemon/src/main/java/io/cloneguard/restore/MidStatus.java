package io.cloneguard.restore;

/**
 * One MID Server that was Up when the snapshot was taken, as the check last saw it.
 *
 * @param status the live {@code ecc_agent.status} ("Up", "Down"), or {@code missing} when the record is gone
 * @param validated the live {@code validated} value ({@code true}, {@code false}, {@code validating}, {@code rekey})
 * @param cause for an agent that is not Up: the likely reason in an admin's words; otherwise {@code null}
 */
public record MidStatus(String name, String sysId, String userName, String status, String validated, String cause) {
  public boolean up() {
    return "Up".equalsIgnoreCase(status);
  }
}
