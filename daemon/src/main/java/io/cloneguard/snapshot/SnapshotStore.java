package io.cloneguard.snapshot;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypted snapshot files under {@code <storage.dir>/<instance>/<id>.cgsnap}. Writes go to a temp
 * file in the same directory, are fsynced and published with a link that fails if the target
 * exists, so a snapshot is either complete or absent and is never overwritten. Writers of one
 * instance are serialised by an {@link InstanceLock}. Thread-safe.
 */
public final class SnapshotStore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  static final String SUFFIX = ".cgsnap";
  static final Pattern INSTANCE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  static final Pattern SNAPSHOT_ID = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{4}");
  private static final Comparator<SnapshotInfo> NEWEST_FIRST =
      Comparator.comparing(SnapshotInfo::takenAt).thenComparing(SnapshotInfo::id).reversed();

  private final Path dir;
  private final SnapshotKey key;
  private final SnapshotFileOps ops;
  private final Duration lockTimeout;

  /** What {@link #listing(String)} found: the snapshots that open, and one line per file that does not. */
  public record Listing(List<SnapshotInfo> snapshots, List<String> problems) {
    public Listing {
      snapshots = List.copyOf(snapshots);
      problems = List.copyOf(problems);
    }
  }

  public SnapshotStore(Path storageDir, SnapshotKey key) {
    this(storageDir, key, SnapshotFileOps.system(), Duration.ofMinutes(10));
  }

  SnapshotStore(Path storageDir, SnapshotKey key, SnapshotFileOps ops, Duration lockTimeout) {
    this.dir = storageDir;
    this.key = key;
    this.ops = ops;
    this.lockTimeout = lockTimeout;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Locks the instance's snapshot directory against other threads and processes. Callers that
   * capture and then save hold it across both, so two snapshots of one instance never interleave.
   */
  public InstanceLock lock(String instance) {
    checkInstance(instance);
    return InstanceLock.acquire(instance, instanceDir(instance), lockTimeout);
  }

  /** Writes the snapshot atomically; fails if a snapshot with its id exists (never overwrites). */
  public SnapshotInfo save(Snapshot snapshot) {
    SnapshotMetadata m = snapshot.metadata();
    checkInstance(m.instance());
    checkId(m.id());
    String expectedHash = SnapshotCodec.contentHash(snapshot);
    if (!expectedHash.equals(m.contentHash())) {
      throw new SnapshotException("snapshot " + m.ref() + " was not saved: its content hash does not match its rows");
    }
    byte[] bytes = SnapshotCodec.encode(snapshot, key);
    Path instanceDir = instanceDir(m.instance());
    Path target = instanceDir.resolve(m.id() + SUFFIX);
    try (InstanceLock ignored = lock(m.instance())) {
      removeStaleTempFiles(instanceDir);
      if (Files.exists(target)) {
        throw new SnapshotException("snapshot " + m.ref() + " already exists (" + target + "); snapshots are never overwritten");
      }
      Path temp = instanceDir.resolve("." + m.id() + SUFFIX + ".tmp-" + UUID.randomUUID());
      try {
        ops.writeNew(temp, bytes);
        ops.publish(temp, target);
        ops.syncDirectory(instanceDir);
      } catch (FileAlreadyExistsException e) {
        throw new SnapshotException("snapshot " + m.ref() + " already exists (" + target + "); snapshots are never overwritten");
      } catch (IOException e) {
        throw new SnapshotException("cannot write snapshot " + m.ref() + " to " + instanceDir + ": " + describe(e)
            + "; no snapshot was written and earlier snapshots are intact", e);
      } finally {
        deleteQuietly(temp);
      }
    }
    LOG.info("snapshot {} saved ({} bytes, {})", m.ref(), bytes.length, m.counts());
    return SnapshotInfo.of(m, bytes.length);
  }

  public Snapshot load(String instance, String id) {
    checkInstance(instance);
    if (!SNAPSHOT_ID.matcher(id).matches()) {
      throw new SnapshotException.NotFound("'" + id + "' is not a snapshot id (expected e.g. 20261204T101500Z-3f2a); list them with 'cloneguard snapshots " + instance + "'");
    }
    Path file = instanceDir(instance).resolve(id + SUFFIX);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SnapshotException.NotFound("snapshot " + instance + "/" + id + " not found in " + instanceDir(instance)
          + "; list them with 'cloneguard snapshots " + instance + "'");
    } catch (IOException e) {
      throw new SnapshotException("cannot read snapshot " + instance + "/" + id + " (" + file + "): " + describe(e), e);
    }
    return SnapshotCodec.decode(bytes, instance, id, key);
  }

  /** By ref {@code dev/20261204T101500Z-3f2a}, or by bare id searched in every instance's directory. */
  public Snapshot load(String ref) {
    int slash = ref.indexOf('/');
    if (slash >= 0) {
      String instance = ref.substring(0, slash);
      if (!INSTANCE_NAME.matcher(instance).matches()) {
        throw new SnapshotException.NotFound("'" + ref + "' is not a snapshot ref (expected <instance>/<id>, e.g. dev/20261204T101500Z-3f2a)");
      }
      return load(instance, ref.substring(slash + 1));
    }
    if (!SNAPSHOT_ID.matcher(ref).matches()) {
      throw new SnapshotException.NotFound("'" + ref + "' is not a snapshot ref (expected <instance>/<id> or an id, e.g. dev/20261204T101500Z-3f2a)");
    }
    List<String> found = new ArrayList<>();
    for (String instance : instances()) {
      if (Files.exists(instanceDir(instance).resolve(ref + SUFFIX))) {
        found.add(instance);
      }
    }
    if (found.isEmpty()) {
      throw new SnapshotException.NotFound("snapshot " + ref + " not found in " + dir + "; list them with 'cloneguard snapshots'");
    }
    if (found.size() > 1) {
      throw new SnapshotException("snapshot id " + ref + " exists for instances " + String.join(", ", found) + "; give it as <instance>/" + ref);
    }
    return load(found.get(0), ref);
  }

  /** Every instance's snapshots, newest first. */
  public List<SnapshotInfo> list() {
    List<SnapshotInfo> all = new ArrayList<>();
    for (String instance : instances()) {
      all.addAll(list(instance));
    }
    all.sort(NEWEST_FIRST);
    return all;
  }

  /** The instance's readable snapshots, newest first; unreadable files are logged and left out. */
  public List<SnapshotInfo> list(String instance) {
    Listing listing = listing(instance);
    listing.problems().forEach(p -> LOG.warn("{}", p));
    return listing.snapshots();
  }

  /** Like {@link #list(String)}, but also says which files could not be opened and why. */
  public Listing listing(String instance) {
    checkInstance(instance);
    List<SnapshotInfo> infos = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path file : snapshotFiles(instance)) {
      String name = file.getFileName().toString();
      String id = name.substring(0, name.length() - SUFFIX.length());
      try {
        long size = Files.size(file);
        infos.add(SnapshotInfo.of(load(instance, id).metadata(), size));
      } catch (SnapshotException e) {
        problems.add(e.getMessage());
      } catch (IOException e) {
        problems.add("cannot read snapshot " + instance + "/" + id + " (" + file + "): " + describe(e));
      }
    }
    infos.sort(NEWEST_FIRST);
    return new Listing(infos, problems);
  }

  public Optional<SnapshotInfo> latest(String instance) {
    return list(instance).stream().findFirst();
  }

  /**
   * Deletes all but the newest {@code keep} snapshots of the instance. Never deletes one in
   * {@code protectedIds} (the daemon passes the last snapshot before each clone), the newest
   * snapshot of each {@code clone:<sys_id>} trigger (so a CLI run cannot prune the daemon's pre-clone
   * snapshot either), or a file that does not open (an operator should look at it). Logs and
   * returns what it removed.
   */
  public List<SnapshotInfo> prune(String instance, int keep, Set<String> protectedIds) {
    if (keep < 1) {
      throw new IllegalArgumentException("storage.keepPerInstance must be at least 1, was " + keep);
    }
    List<SnapshotInfo> removed = new ArrayList<>();
    Path instanceDir = instanceDir(instance);
    try (InstanceLock ignored = lock(instance)) {
      removeStaleTempFiles(instanceDir);
      List<SnapshotInfo> infos = list(instance);
      Set<String> lastBeforeEachClone = new HashSet<>();
      Set<String> clonesSeen = new HashSet<>();
      for (SnapshotInfo info : infos) { // newest first, so the first of each clone trigger is its last snapshot
        if (info.trigger().startsWith("clone:") && clonesSeen.add(info.trigger())) {
          lastBeforeEachClone.add(info.id());
        }
      }
      for (int i = keep; i < infos.size(); i++) {
        SnapshotInfo info = infos.get(i);
        if (protectedIds.contains(info.id()) || lastBeforeEachClone.contains(info.id())) {
          continue;
        }
        try {
          ops.deleteIfExists(instanceDir.resolve(info.id() + SUFFIX));
          removed.add(info);
          LOG.info("pruned snapshot {} (taken {}, trigger {}): keeping the newest {} of {} plus {} protected",
              info.ref(), info.takenAt(), info.trigger(), keep, instance, protectedIds.size() + lastBeforeEachClone.size());
        } catch (IOException e) {
          LOG.warn("cannot prune snapshot {}: {}", info.ref(), describe(e));
        }
      }
      if (!removed.isEmpty()) {
        ops.syncDirectory(instanceDir);
      }
    } catch (IOException e) {
      LOG.warn("cannot fsync {} after pruning: {}", instanceDir, describe(e));
    }
    return removed;
  }

  /** Instance names that have a snapshot directory. */
  public List<String> instances() {
    if (!Files.exists(dir)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (Files.isDirectory(p) && INSTANCE_NAME.matcher(name).matches()) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new SnapshotException("cannot read snapshot directory " + dir + ": " + describe(e) + "; it must be a directory owned by the CloneGuard user, mode 0700", e);
    }
    names.sort(null);
    return names;
  }

  private List<Path> snapshotFiles(String instance) {
    Path instanceDir = instanceDir(instance);
    if (!Files.exists(instanceDir)) {
      return List.of();
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(instanceDir, "*" + SUFFIX)) {
      for (Path p : entries) {
        if (!p.getFileName().toString().startsWith(".")) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      throw new SnapshotException("cannot read snapshot directory " + instanceDir + ": " + describe(e)
          + "; it must be a directory owned by the CloneGuard user, mode 0700", e);
    }
    files.sort(null);
    return files;
  }

  /** Temp files left by a process that died mid-write; safe to delete while we hold the lock. */
  private void removeStaleTempFiles(Path instanceDir) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(instanceDir, ".*" + SUFFIX + ".tmp-*")) {
      for (Path p : entries) {
        LOG.info("removing {} left by an interrupted snapshot write", p);
        deleteQuietly(p);
      }
    } catch (IOException e) {
      throw new SnapshotException("cannot read snapshot directory " + instanceDir + ": " + describe(e)
          + "; it must be a directory owned by the CloneGuard user, mode 0700", e);
    }
  }

  private void deleteQuietly(Path p) {
    try {
      ops.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("cannot remove temp file {}: {}", p, describe(e));
    }
  }

  private Path instanceDir(String instance) {
    return dir.resolve(instance);
  }

  private static void checkInstance(String instance) {
    if (instance == null || !INSTANCE_NAME.matcher(instance).matches()) {
      throw new SnapshotException("'" + instance + "' is not a valid instance name for snapshot storage (lower-case letters, digits, '-')");
    }
  }

  private static void checkId(String id) {
    if (id == null || !SNAPSHOT_ID.matcher(id).matches()) {
      throw new SnapshotException("'" + id + "' is not a valid snapshot id (expected e.g. 20261204T101500Z-3f2a)");
    }
  }

  static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied (" + e.getMessage() + ")";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory (" + e.getMessage() + ")";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory (" + e.getMessage() + ")";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
