package io.cloneguard.snapshot;

import java.time.Instant;
import java.util.Map;

/**
 * What a snapshot is, readable without its rows.
 *
 * @param id {@code <UTC timestamp>-<4 hex>}, e.g. {@code 20261204T101500Z-3f2a}; unique per instance
 * @param trigger {@code baseline}, {@code manual}, or {@code clone:<clone request sys_id>}
 * @param counts rows per table
 * @param contentHash SHA-256 of the canonical JSON of the rows, hex
 */
public record SnapshotMetadata(
    int formatVersion,
    String id,
    String instance,
    String instanceUrl,
    Instant takenAt,
    String cloneguardVersion,
    String trigger,
    Map<String, Integer> counts,
    String contentHash) {
  public static final int FORMAT_VERSION = 1;

  public SnapshotMetadata {
    counts = Map.copyOf(counts);
  }

  /** {@code dev/20261204T101500Z-3f2a}: how operators and error messages name a snapshot. */
  public String ref() {
    return instance + "/" + id;
  }
}
