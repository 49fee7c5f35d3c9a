package io.cloneguard.e2e;

import io.cloneguard.config.Secret;
import io.cloneguard.snapshot.SnapshotKey;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * Puts MID Server passwords into CloneGuard's password escrow, as an operator does once with
 * {@code cloneguard escrow}, so restored accounts get the passwords their MID hosts expect.
 */
final class Escrow {
  private Escrow() {}

  static void putAll(ScenarioFiles files, String instance, Map<String, String> passwords) {
    try {
      Class<?> type = Class.forName("io.cloneguard.restore.PasswordEscrow");
      Object escrow = type.getConstructor(java.nio.file.Path.class, SnapshotKey.class).newInstance(files.storage(), SnapshotKey.load(files.keyFile()));
      var put = type.getMethod("put", String.class, String.class, Secret.class);
      for (Map.Entry<String, String> e : passwords.entrySet()) {
        put.invoke(escrow, instance, e.getKey(), Secret.of(e.getValue()));
      }
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("could not escrow the MID passwords of " + instance + ": " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this build has no password escrow (io.cloneguard.restore.PasswordEscrow) yet", e);
    }
  }
}
