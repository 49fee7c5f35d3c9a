package io.cloneguard.schedule;

import java.time.Clock;
import java.time.Duration;

/**
 * Timings and tuning that are not part of the YAML configuration: defaults suit production; tests
 * shorten them. Everything the daemon waits for is either here or in {@code schedule}/{@code cloneRequests}.
 *
 * @param nodeId Quartz instance id; {@code AUTO} lets Quartz pick host name + timestamp
 * @param threads Quartz worker threads; 0 picks from the number of instances
 * @param clusterCheckin how often a daemon tells the others sharing the database it is alive
 * @param misfireThreshold how late a trigger may fire before its misfire policy applies
 * @param snapshotRefreshLead refresh the pre-clone snapshot this long before the scheduled start
 * @param watchLookback on the very first poll of a source, read clone requests changed this far back
 * @param finishedRequestHorizon a request first seen already finished is acted on only if it changed this recently
 * @param housekeeping how often retention runs
 * @param protectWindow snapshots referenced by workflows updated this recently are never pruned
 * @param workflowGaugeWindow finished workflows count in cloneguard_clone_workflows this long
 */
public record DaemonOptions(
    String nodeId,
    int threads,
    Duration clusterCheckin,
    Duration misfireThreshold,
    Duration snapshotRefreshLead,
    Duration watchLookback,
    Duration finishedRequestHorizon,
    Duration housekeeping,
    Duration protectWindow,
    Duration workflowGaugeWindow,
    Clock clock) {

  public static DaemonOptions defaults() {
    return new DaemonOptions("AUTO", 0, Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofDays(7),
        Duration.ofHours(24), Duration.ofHours(1), Duration.ofDays(7), Duration.ofHours(24), Clock.systemUTC());
  }

  public DaemonOptions withNodeId(String id) {
    return new DaemonOptions(id, threads, clusterCheckin, misfireThreshold, snapshotRefreshLead, watchLookback, finishedRequestHorizon,
        housekeeping, protectWindow, workflowGaugeWindow, clock);
  }

  public DaemonOptions withClusterCheckin(Duration d) {
    return new DaemonOptions(nodeId, threads, d, misfireThreshold, snapshotRefreshLead, watchLookback, finishedRequestHorizon,
        housekeeping, protectWindow, workflowGaugeWindow, clock);
  }

  public DaemonOptions withSnapshotRefreshLead(Duration d) {
    return new DaemonOptions(nodeId, threads, clusterCheckin, misfireThreshold, d, watchLookback, finishedRequestHorizon,
        housekeeping, protectWindow, workflowGaugeWindow, clock);
  }

  public DaemonOptions withMisfireThreshold(Duration d) {
    return new DaemonOptions(nodeId, threads, clusterCheckin, d, snapshotRefreshLead, watchLookback, finishedRequestHorizon,
        housekeeping, protectWindow, workflowGaugeWindow, clock);
  }

  public DaemonOptions withHousekeeping(Duration d) {
    return new DaemonOptions(nodeId, threads, clusterCheckin, misfireThreshold, snapshotRefreshLead, watchLookback, finishedRequestHorizon,
        d, protectWindow, workflowGaugeWindow, clock);
  }

  public DaemonOptions withThreads(int n) {
    return new DaemonOptions(nodeId, n, clusterCheckin, misfireThreshold, snapshotRefreshLead, watchLookback, finishedRequestHorizon,
        housekeeping, protectWindow, workflowGaugeWindow, clock);
  }

  /** Short intervals for tests and the demo: cluster check-in 500 ms, misfire threshold 1 s. */
  public static DaemonOptions fast() {
    return defaults().withClusterCheckin(Duration.ofMillis(500)).withMisfireThreshold(Duration.ofSeconds(1));
  }
}
