package io.cloneguard.snapshot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises writers of one instance's snapshot directory: a JVM lock (threads of the daemon) plus an
 * OS file lock on {@code <dir>/.lock} (the daemon and a CLI run at the same time). Reentrant in one
 * thread, so a caller can hold it across capture and save. Close it to release.
 */
public final class InstanceLock implements AutoCloseable {
  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
  private static final Map<Path, FileHold> FILE_LOCKS = new ConcurrentHashMap<>();
  private static final long POLL_MILLIS = 20;

  private final Path dir;
  private final ReentrantLock jvmLock;
  private boolean closed;

  private record FileHold(FileChannel channel, FileLock lock) {}

  private InstanceLock(Path dir, ReentrantLock jvmLock) {
    this.dir = dir;
    this.jvmLock = jvmLock;
  }

  static InstanceLock acquire(String instance, Path dir, Duration timeout) {
    Path key = dir.toAbsolutePath().normalize();
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!jvmLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new SnapshotException("snapshot storage of " + instance + " (" + dir + ") is busy: another snapshot of " + instance
            + " in this process did not finish within " + timeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnapshotException("interrupted while waiting for the snapshot lock of " + instance, e);
    }
    if (jvmLock.getHoldCount() == 1) {
      try {
        FILE_LOCKS.put(key, lockFile(instance, key, deadline));
      } catch (RuntimeException e) {
        jvmLock.unlock();
        throw e;
      }
    }
    return new InstanceLock(key, jvmLock);
  }

  private static FileHold lockFile(String instance, Path dir, long deadlineNanos) {
    Path file = dir.resolve(".lock");
    FileChannel channel = null;
    try {
      SnapshotFileOps.createPrivateDirectories(dir);
      FileAttribute<?>[] attrs = SnapshotFileOps.posix(dir)
          ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(SnapshotFileOps.FILE_MODE)}
          : new FileAttribute<?>[0];
      channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), attrs);
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // cannot happen while the JVM lock is held; treated as busy to be safe
        }
        if (lock != null) {
          return new FileHold(channel, lock);
        }
        if (System.nanoTime() >= deadlineNanos) {
          channel.close();
          throw new SnapshotException("snapshot storage of " + instance + " is locked by another CloneGuard process (" + file
              + "); wait for it to finish or stop it");
        }
        // Polling is the only portable way to wait for an OS file lock with a deadline.
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      }
    } catch (IOException e) {
      closeQuietly(channel);
      throw new SnapshotException("cannot lock snapshot storage of " + instance + " (" + file + "): " + SnapshotStore.describe(e), e);
    } catch (InterruptedException e) {
      closeQuietly(channel);
      Thread.currentThread().interrupt();
      throw new SnapshotException("interrupted while waiting for the snapshot lock of " + instance, e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing releases the lock; nothing else to do
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (jvmLock.getHoldCount() == 1) {
      FileHold hold = FILE_LOCKS.remove(dir);
      if (hold != null) {
        closeQuietly(hold.channel()); // releases the OS lock
      }
    }
    jvmLock.unlock();
  }
}
