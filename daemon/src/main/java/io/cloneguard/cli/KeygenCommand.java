package io.cloneguard.cli;

import io.cloneguard.snapshot.SnapshotKey;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cloneguard keygen --out FILE [--rotate]}: creates the snapshot keyset, or adds a new primary key to it. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a new snapshot encryption keyset (Tink AES256-GCM, JSON, mode 0600); refuses to overwrite a file.",
      "With --rotate, adds a new primary key to an existing keyset: new snapshots use it, old ones still open.",
      "Back the file up after every run: without it no snapshot can be read (see docs/snapshots.md)."
    })
final class KeygenCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The keyset file (storage.keyFile in the configuration).")
  Path out;

  @Option(names = "--rotate", description = "Add a new primary key to the existing keyset in FILE.")
  boolean rotate;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    if (rotate) {
      if (!Files.exists(out)) {
        throw new UsageException(out + " does not exist; create a keyset first with 'cloneguard keygen --out " + out + "'");
      }
      SnapshotKey.rotate(out);
      SnapshotKey key = SnapshotKey.load(out);
      stdout.println("added key " + Integer.toUnsignedString(key.primaryKeyId()) + " to " + out + " as primary (" + key.keyIds().size()
          + " keys); older snapshots still open. Back up " + out + " now.");
    } else {
      if (Files.exists(out)) {
        throw new UsageException(out + " already exists; refusing to overwrite a keyset (losing it makes every snapshot unreadable);"
            + " use --rotate to add a key to it");
      }
      SnapshotKey.generate(out);
      SnapshotKey key = SnapshotKey.load(out);
      stdout.println("wrote keyset " + out + " (key " + Integer.toUnsignedString(key.primaryKeyId()) + ", mode 0600)."
          + " Back it up now: without it no snapshot can be read.");
    }
    stdout.flush();
    return Main.OK;
  }
}
