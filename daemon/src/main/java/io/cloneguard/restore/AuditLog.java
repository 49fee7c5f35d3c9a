package io.cloneguard.restore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloneguard.config.SecretMask;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The append-only audit log, {@code <storage.dir>/audit.jsonl}: one JSON object per line, every
 * write recorded before and after it is made. Each append is on disk (fsynced) before it returns,
 * so a crash leaves evidence of a write that was in flight. Concurrent appends share one fsync
 * (group commit), which keeps a parallel restore from being serialised on the disk.
 */
public final class AuditLog implements Closeable {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path file;
  private final Object writeLock = new Object();
  private final Object syncLock = new Object();
  private FileChannel channel;
  private volatile long appended;
  private long synced;

  public AuditLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Appends one entry and returns once it is on disk. The detail is scrubbed of known secrets. */
  public void append(AuditEntry entry) {
    AuditEntry clean =
        new AuditEntry(
            entry.time(), entry.instance(), entry.table(), entry.sysId(), entry.action(), entry.outcome(),
            entry.snapshotId(), entry.planId(), SecretMask.mask(entry.detail()));
    byte[] line;
    try {
      line = (MAPPER.writeValueAsString(clean) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RestoreException("audit log " + file + ": cannot encode an entry: " + e.getMessage(), e);
    }
    // A FileChannel closes itself when an interrupted thread uses it. The entry must still be written
    // (a shutdown interrupts the restore, and what it did must be on record), so the flag is set
    // aside for the write and restored afterwards; a channel closed by another thread is reopened.
    boolean interrupted = Thread.interrupted();
    try {
      try {
        write(line);
      } catch (ClosedChannelException closed) {
        synchronized (writeLock) {
          channel = null;
        }
        write(line);
      }
    } catch (IOException e) {
      throw new RestoreException("audit log " + file + ": cannot write (" + e.getMessage() + "); check the disk and the directory's permissions", e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void write(byte[] line) throws IOException {
    long mine;
    FileChannel ch;
    synchronized (writeLock) {
      ch = channel();
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
      mine = ++appended;
    }
    synchronized (syncLock) {
      if (synced >= mine) {
        return; // another thread's fsync already covered this line
      }
      long upTo = appended;
      ch.force(false);
      synced = upTo;
    }
  }

  private FileChannel channel() throws IOException {
    if (channel == null) {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      if (!Files.exists(file)) {
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          // another process created it first: fine, we append
        }
      }
      channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }
    return channel;
  }

  /** Streams every entry, oldest first. Lines that do not parse (a torn last line after a crash) are skipped. */
  public void forEach(Consumer<AuditEntry> sink) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try {
          sink.accept(MAPPER.readValue(line, AuditEntry.class));
        } catch (IOException torn) {
          // a crash mid-append can leave a partial last line; the entries before it still count
        }
      }
    } catch (NoSuchFileException e) {
      // no audit log yet: nothing was ever written
    } catch (IOException e) {
      throw new RestoreException("audit log " + file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  public List<AuditEntry> entries() {
    List<AuditEntry> all = new ArrayList<>();
    forEach(all::add);
    return all;
  }

  /**
   * sys_ids of users on {@code instance} that a restore inserted (or started to insert) but whose
   * password was not set afterwards (the restore was stopped in between); callers keep only those
   * that exist live. The next restore sets those passwords, since
   * the user itself no longer shows up as missing.
   */
  public Set<String> usersAwaitingPassword(String instance) {
    Map<String, Boolean> awaiting = new HashMap<>();
    forEach(
        e -> {
          if (!instance.equals(e.instance()) || !"sys_user".equals(e.table()) || e.sysId() == null) {
            return;
          }
          // "started" counts too: a process killed after the insert reached the instance but before
          // its outcome was logged leaves only that line, and the user must still get its password.
          boolean attempted = AuditEntry.OK.equals(e.outcome()) || AuditEntry.STARTED.equals(e.outcome());
          if (attempted && "insert".equals(e.action())) {
            awaiting.put(e.sysId(), true);
          } else if (AuditEntry.OK.equals(e.outcome()) && "set_password".equals(e.action())) {
            awaiting.put(e.sysId(), false);
          }
        });
    return Set.copyOf(awaiting.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList());
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // every append was already forced to disk
        }
        channel = null;
      }
    }
  }
}
