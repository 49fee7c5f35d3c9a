package io.cloneguard.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The few file operations that must be private, durable and atomic. An interface only so that tests
 * can inject a full disk or a crash between writing and renaming; production uses {@link #system()}.
 */
interface SnapshotFileOps {
  Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

  /** Creates {@code file} (it must not exist) with mode 0600, writes all of {@code data} and fsyncs it. */
  void writeNew(Path file, byte[] data) throws IOException;

  /** Makes {@code temp} visible as {@code target} in one step; {@link FileAlreadyExistsException} if target exists. */
  void publish(Path temp, Path target) throws IOException;

  /** Atomically replaces {@code target} with {@code temp} (only for the key file on rotation). */
  void replace(Path temp, Path target) throws IOException;

  /** fsyncs a directory, so that a rename in it survives a power cut. */
  void syncDirectory(Path dir) throws IOException;

  void deleteIfExists(Path file) throws IOException;

  static SnapshotFileOps system() {
    return SystemFileOps.INSTANCE;
  }

  /** Creates {@code dir} and missing parents; directories created here get mode 0700. */
  static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (Files.exists(dir)) {
      throw new java.nio.file.NotDirectoryException(dir.toString());
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      createPrivateDirectories(parent);
    }
    try {
      if (posix(dir)) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        // The umask may have removed bits we asked for; it never adds any, so 0700 is exact after this.
        Files.setPosixFilePermissions(dir, DIR_MODE);
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException raced) {
      if (!Files.isDirectory(dir)) {
        throw raced;
      }
    }
  }

  static boolean posix(Path path) {
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing == null
        || existing.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** The real thing: O_EXCL create, fsync, hard-link publish (which never overwrites), directory fsync. */
  final class SystemFileOps implements SnapshotFileOps {
    static final SystemFileOps INSTANCE = new SystemFileOps();

    private SystemFileOps() {}

    @Override
    public void writeNew(Path file, byte[] data) throws IOException {
      FileAttribute<?>[] attrs =
          posix(file) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : new FileAttribute<?>[0];
      try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
    }

    @Override
    public void publish(Path temp, Path target) throws IOException {
      try {
        // link(2) fails when the target exists, unlike rename(2): that is what makes "never overwrite" atomic.
        Files.createLink(target, temp);
      } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
        if (noHardLinks instanceof FileAlreadyExistsException exists) {
          throw exists;
        }
        // File systems without hard links: callers hold the instance lock, so check-then-move is safe among CloneGuards.
        if (Files.exists(target)) {
          throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      Files.delete(temp);
    }

    @Override
    public void replace(Path temp, Path target) throws IOException {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      } catch (IOException notSupported) {
        // Some platforms cannot open a directory for fsync; the rename itself is still atomic there.
      }
    }

    @Override
    public void deleteIfExists(Path file) throws IOException {
      Files.deleteIfExists(file);
    }
  }
}
