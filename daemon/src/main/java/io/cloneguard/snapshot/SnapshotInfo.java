package io.cloneguard.snapshot;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One stored snapshot as listings show it, read from the verified (decrypted) file.
 *
 * @param counts rows per ServiceNow table name ({@code sys_user}, {@code sys_user_has_role}, ...)
 * @param sizeBytes size of the encrypted file
 */
public record SnapshotInfo(String instance, String id, Instant takenAt, String trigger, Map<String, Integer> counts, long sizeBytes) {
  public SnapshotInfo {
    counts = java.util.Collections.unmodifiableMap(new TreeMap<>(counts));
  }

  static SnapshotInfo of(SnapshotMetadata m, long sizeBytes) {
    return new SnapshotInfo(m.instance(), m.id(), m.takenAt(), m.trigger(), m.counts(), sizeBytes);
  }

  /** {@code dev/20261204T101500Z-3f2a}. */
  public String ref() {
    return instance + "/" + id;
  }
}
