package io.cloneguard.config;

import io.cloneguard.cli.Main;

/** Test-only: breaks the layering on purpose so that LayeringTest can show its rule catches it. */
public final class LayeringViolationFixture {
  private LayeringViolationFixture() {}

  public static boolean verbose(Main main) {
    return main.verbose();
  }
}
