package io.cloneguard.restore;

import java.util.List;

/**
 * Whether the MID Servers that were Up in a snapshot are Up again.
 *
 * @param agents every agent that was Up in the snapshot, as last seen
 * @param cloneIssues the platform's own ecc_agent_issue rows with source InstanceClone (reported, never resolved by us)
 */
public record MidReport(String instance, List<MidStatus> agents, List<String> cloneIssues) {
  public MidReport {
    agents = List.copyOf(agents);
    cloneIssues = List.copyOf(cloneIssues);
  }

  public MidReport(String instance, List<MidStatus> agents) {
    this(instance, agents, List.of());
  }

  public boolean allUp() {
    return agents.stream().allMatch(MidStatus::up);
  }

  public List<MidStatus> down() {
    return agents.stream().filter(a -> !a.up()).toList();
  }
}
