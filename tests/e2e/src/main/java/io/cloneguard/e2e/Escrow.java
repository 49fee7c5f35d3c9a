package io.cloneguard.e2e;

import io.cloneguard.config.Secret;
import io.cloneguard.restore.PasswordEscrow;
import io.cloneguard.snapshot.SnapshotKey;
import java.util.Map;

/**
 * Puts MID Server passwords into CloneGuard's password escrow, as an operator does once with
 * {@code cloneguard escrow}, so restored accounts get the passwords their MID hosts expect.
 */
final class Escrow {
  private Escrow() {}

  static void putAll(ScenarioFiles files, String instance, Map<String, String> passwords) {
    PasswordEscrow escrow = new PasswordEscrow(files.storage(), SnapshotKey.load(files.keyFile()));
    passwords.forEach((user, password) -> escrow.put(instance, user, Secret.of(password)));
  }
}
