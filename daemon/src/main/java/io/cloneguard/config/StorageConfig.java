package io.cloneguard.config;

import java.nio.file.Path;

/** Where snapshots, the audit log, escrow and the embedded scheduler database live. */
public record StorageConfig(Path dir, Path keyFile, int keepPerInstance) {}
