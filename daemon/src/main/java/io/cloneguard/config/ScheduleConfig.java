package io.cloneguard.config;

import java.time.Duration;

/**
 * Timings of the daemon.
 *
 * @param baselineSnapshot Quartz cron expression for the daily baseline snapshot
 * @param settleAfterClone wait after a clone completes before verifying
 * @param settlePolls consecutive healthy polls of the target needed to call it settled
 * @param midUpTimeout how long to wait for MID Servers to come back Up after a restore
 * @param midCheckInterval how often ecc_agent is polled while waiting
 * @param stopTimeout how long a SIGTERM may take
 */
public record ScheduleConfig(
    String baselineSnapshot,
    Duration settleAfterClone,
    int settlePolls,
    Duration midUpTimeout,
    Duration midCheckInterval,
    Duration stopTimeout) {}
