package io.cloneguard.config;

import java.nio.file.Path;

/** Loads and validates the YAML configuration. */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** @throws ConfigException listing every problem, one line each with file:line and key path */
  public static CloneGuardConfig load(Path file) {
    throw new ConfigException(file + ": configuration loading is not implemented yet");
  }
}
