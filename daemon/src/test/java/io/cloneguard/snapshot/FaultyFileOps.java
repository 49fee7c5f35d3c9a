package io.cloneguard.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Real file operations with one injected failure: a full disk halfway through a write, or a crash before the rename. */
class FaultyFileOps implements SnapshotFileOps {
  enum Fault { NONE, DISK_FULL, CRASH_BEFORE_RENAME }

  private final SnapshotFileOps real = SnapshotFileOps.system();
  volatile Fault fault = Fault.NONE;
  volatile Path lastTemp;

  @Override
  public void writeNew(Path file, byte[] data) throws IOException {
    lastTemp = file;
    if (fault == Fault.DISK_FULL) {
      // What ENOSPC looks like: part of the data is on disk, then the write fails.
      real.writeNew(file, Arrays.copyOf(data, data.length / 2));
      throw new IOException("No space left on device");
    }
    real.writeNew(file, data);
  }

  @Override
  public void publish(Path temp, Path target) throws IOException {
    if (fault == Fault.CRASH_BEFORE_RENAME) {
      throw new IOException("simulated crash before rename");
    }
    real.publish(temp, target);
  }

  @Override
  public void replace(Path temp, Path target) throws IOException {
    real.replace(temp, target);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    real.syncDirectory(dir);
  }

  @Override
  public void deleteIfExists(Path file) throws IOException {
    Files.deleteIfExists(file);
  }
}
