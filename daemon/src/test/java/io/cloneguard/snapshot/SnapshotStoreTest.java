package io.cloneguard.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
  private static final Instant T0 = Instant.parse("2026-12-04T10:15:00Z");
  private static final String ID = "20261204T101500Z-3f2a";

  @TempDir Path tmp;
  private Path storage;
  private SnapshotKey key;
  private SnapshotStore store;

  @BeforeEach
  void setUp() {
    storage = tmp.resolve("storage");
    SnapshotKey.generate(tmp.resolve("snapshot.key"));
    key = SnapshotKey.load(tmp.resolve("snapshot.key"));
    store = new SnapshotStore(storage, key);
  }

  private Path fileOf(String instance, String id) {
    return storage.resolve(instance).resolve(id + ".cgsnap");
  }

  @Test
  void savedSnapshotLoadsBackEqualByRefAndByBareId() {
    Snapshot snapshot = TestSnapshots.small("dev", ID, T0);

    SnapshotInfo info = store.save(snapshot);

    assertThat(info.ref()).isEqualTo("dev/" + ID);
    assertThat(info.counts()).containsEntry("sys_user", 1).containsEntry("ecc_agent", 1).containsEntry("sys_group_has_role", 0);
    assertThat(info.sizeBytes()).isEqualTo(fileOf("dev", ID).toFile().length());
    assertThat(store.load("dev", ID)).isEqualTo(snapshot);
    assertThat(store.load("dev/" + ID)).isEqualTo(snapshot);
    assertThat(store.load(ID)).isEqualTo(snapshot);
    assertThat(store.latest("dev")).contains(info);
  }

  @Test
  void fileIsEncryptedAndStartsWithTheCleartextHeader() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));

    byte[] bytes = Files.readAllBytes(fileOf("dev", ID));
    String asText = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThat(asText).startsWith("CGSNAP\u0001").contains("dev/" + ID).doesNotContain("mid.dev").doesNotContain("mid_server");
  }

  @Test
  void snapshotFilesAre0600AndDirectories0700() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fileOf("dev", ID)))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(storage.resolve("dev")))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(storage))).isEqualTo("rwx------");
  }

  @Test
  void flippedByteIsReportedAsModified() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));
    Path file = fileOf("dev", ID);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 30] ^= 0x40;
    Files.write(file, bytes);

    assertThatThrownBy(() -> store.load("dev", ID))
        .isInstanceOf(SnapshotException.Tampered.class)
        .hasMessage("snapshot dev/" + ID + " failed authentication: the file was modified or truncated");
  }

  @Test
  void truncatedFileIsReportedAsModified() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));
    Path file = fileOf("dev", ID);
    byte[] bytes = Files.readAllBytes(file);

    for (int length : new int[] {bytes.length - 1, bytes.length / 2, 40, 4}) {
      Files.write(file, java.util.Arrays.copyOf(bytes, length));
      assertThatThrownBy(() -> store.load("dev", ID))
          .as("truncated to %d bytes", length)
          .isInstanceOf(SnapshotException.Tampered.class)
          .hasMessageContaining("the file was modified or truncated");
    }
  }

  @Test
  void fileMovedToAnotherInstanceDoesNotOpenThere() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));
    Files.createDirectories(storage.resolve("test"));
    Files.copy(fileOf("dev", ID), fileOf("test", ID));

    assertThatThrownBy(() -> store.load("test", ID))
        .isInstanceOf(SnapshotException.Tampered.class)
        .hasMessage("snapshot test/" + ID + " failed authentication: the file holds snapshot dev/" + ID
            + " and was renamed or moved; move it back to dev/" + ID + ".cgsnap");
  }

  @Test
  void fileMovedWithItsHeaderRewrittenStillDoesNotOpen() throws IOException {
    // An attacker who also edits the cleartext header: the associated data no longer matches.
    store.save(TestSnapshots.small("dev", ID, T0));
    byte[] bytes = Files.readAllBytes(fileOf("dev", ID));
    String header = new String(bytes, 0, 40, StandardCharsets.ISO_8859_1);
    assertThat(header).contains("dev/");
    int at = header.indexOf("dev/");
    bytes[at] = 'q';
    bytes[at + 1] = 'a';
    bytes[at + 2] = 'x';
    Files.createDirectories(storage.resolve("qax"));
    Files.write(fileOf("qax", ID), bytes);

    assertThatThrownBy(() -> store.load("qax", ID))
        .isInstanceOf(SnapshotException.Tampered.class)
        .hasMessage("snapshot qax/" + ID + " failed authentication: the file was modified or truncated");
  }

  @Test
  void snapshotWrittenWithAnotherKeyNamesTheWrongKey() {
    store.save(TestSnapshots.small("dev", ID, T0));
    SnapshotKey.generate(tmp.resolve("other.key"));
    SnapshotStore withOtherKey = new SnapshotStore(storage, SnapshotKey.load(tmp.resolve("other.key")));

    assertThatThrownBy(() -> withOtherKey.load("dev/" + ID))
        .isInstanceOf(SnapshotException.WrongKey.class)
        .hasMessageStartingWith("snapshot dev/" + ID + " was encrypted with a different key");
  }

  @Test
  void unknownFormatVersionIsItsOwnError() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));
    Path file = fileOf("dev", ID);
    byte[] bytes = Files.readAllBytes(file);
    bytes[6] = 9;
    Files.write(file, bytes);

    assertThatThrownBy(() -> store.load("dev", ID))
        .isInstanceOf(SnapshotException.UnsupportedFormat.class)
        .hasMessage("snapshot dev/" + ID + " has format version 9, this CloneGuard reads version 1;"
            + " open it with the CloneGuard version that wrote it");
  }

  @Test
  void notASnapshotFileSaysSo() throws IOException {
    Files.createDirectories(storage.resolve("dev"));
    Files.writeString(fileOf("dev", ID), "hello, this is not a snapshot");

    assertThatThrownBy(() -> store.load("dev", ID)).hasMessage("snapshot dev/" + ID + " is not a CloneGuard snapshot file (no CGSNAP header)");
  }

  @Test
  void neverOverwritesAnExistingSnapshot() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));
    byte[] before = Files.readAllBytes(fileOf("dev", ID));

    assertThatThrownBy(() -> store.save(TestSnapshots.small("dev", ID, T0, "baseline")))
        .isInstanceOf(SnapshotException.class)
        .hasMessageStartingWith("snapshot dev/" + ID + " already exists");
    assertThat(Files.readAllBytes(fileOf("dev", ID))).isEqualTo(before);
    assertThat(store.load("dev", ID).metadata().trigger()).isEqualTo("manual");
  }

  @Test
  void diskFullDuringWriteLeavesNoPartialSnapshotAndKeepsEarlierOnes() throws IOException {
    FaultyFileOps ops = new FaultyFileOps();
    SnapshotStore faulty = new SnapshotStore(storage, key, ops, Duration.ofSeconds(5));
    faulty.save(TestSnapshots.small("dev", ID, T0));
    ops.fault = FaultyFileOps.Fault.DISK_FULL;
    String second = "20261204T111500Z-0001";

    assertThatThrownBy(() -> faulty.save(TestSnapshots.small("dev", second, T0.plusSeconds(3600))))
        .isInstanceOf(SnapshotException.class)
        .hasMessage("cannot write snapshot dev/" + second + " to " + storage.resolve("dev")
            + ": No space left on device; no snapshot was written and earlier snapshots are intact");

    assertThat(ops.lastTemp).doesNotExist();
    assertThat(visibleAndHiddenFiles("dev")).containsExactlyInAnyOrder(ID + ".cgsnap", ".lock");
    assertThat(faulty.list("dev")).extracting(SnapshotInfo::id).containsExactly(ID);
    assertThat(faulty.load("dev", ID).users()).hasSize(1);
  }

  @Test
  void crashBeforeRenameLeavesNoPartialSnapshot() throws IOException {
    FaultyFileOps ops = new FaultyFileOps();
    SnapshotStore faulty = new SnapshotStore(storage, key, ops, Duration.ofSeconds(5));
    faulty.save(TestSnapshots.small("dev", ID, T0));
    ops.fault = FaultyFileOps.Fault.CRASH_BEFORE_RENAME;
    String second = "20261204T111500Z-0001";

    assertThatThrownBy(() -> faulty.save(TestSnapshots.small("dev", second, T0.plusSeconds(3600))))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("no snapshot was written");

    assertThat(visibleAndHiddenFiles("dev")).containsExactlyInAnyOrder(ID + ".cgsnap", ".lock");
    assertThatThrownBy(() -> faulty.load("dev", second)).isInstanceOf(SnapshotException.NotFound.class);
  }

  @Test
  void tempFileOfAProcessThatDiedIsIgnoredAndCleanedUpByTheNextWrite() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));
    // A process killed between write and rename leaves its temp file behind.
    Path orphan = storage.resolve("dev").resolve(".20261204T111500Z-0001.cgsnap.tmp-dead");
    Files.write(orphan, new byte[] {'C', 'G', 'S'});

    assertThat(store.list("dev")).extracting(SnapshotInfo::id).containsExactly(ID);
    store.save(TestSnapshots.small("dev", "20261204T121500Z-0002", T0.plusSeconds(7200)));

    assertThat(orphan).doesNotExist();
  }

  @Test
  void listIsNewestFirstAndReportsFilesThatDoNotOpen() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));
    store.save(TestSnapshots.small("dev", "20261204T111500Z-0001", T0.plusSeconds(3600)));
    store.save(TestSnapshots.small("test", "20261204T121500Z-0002", T0.plusSeconds(7200)));
    Path broken = fileOf("dev", "20261204T131500Z-0003");
    Files.write(broken, "CGSNAP".getBytes(StandardCharsets.US_ASCII));

    SnapshotStore.Listing listing = store.listing("dev");

    assertThat(listing.snapshots()).extracting(SnapshotInfo::id).containsExactly("20261204T111500Z-0001", ID);
    assertThat(listing.problems()).containsExactly("snapshot dev/20261204T131500Z-0003 failed authentication: the file was modified or truncated");
    assertThat(store.list()).extracting(SnapshotInfo::ref)
        .containsExactly("test/20261204T121500Z-0002", "dev/20261204T111500Z-0001", "dev/" + ID);
    assertThat(store.instances()).containsExactly("dev", "test");
    assertThat(store.list("prod")).isEmpty();
    assertThat(store.latest("prod")).isEmpty();
  }

  @Test
  void bareIdPresentForTwoInstancesAsksForTheInstance() throws IOException {
    store.save(TestSnapshots.small("dev", ID, T0));
    store.save(TestSnapshots.small("test", ID, T0));

    assertThatThrownBy(() -> store.load(ID)).hasMessage("snapshot id " + ID + " exists for instances dev, test; give it as <instance>/" + ID);
    assertThatThrownBy(() -> store.load("20991231T000000Z-ffff"))
        .isInstanceOf(SnapshotException.NotFound.class)
        .hasMessage("snapshot 20991231T000000Z-ffff not found in " + storage + "; list them with 'cloneguard snapshots'");
    assertThatThrownBy(() -> store.load("../../etc/passwd"))
        .isInstanceOf(SnapshotException.NotFound.class)
        .hasMessageStartingWith("'../../etc/passwd' is not a snapshot ref");
  }

  @Test
  void storageDirectoryThatIsNotADirectoryGivesOneClearLine() throws IOException {
    Path notADir = tmp.resolve("file");
    Files.writeString(notADir, "x");
    SnapshotStore bad = new SnapshotStore(notADir, key);

    assertThatThrownBy(bad::instances)
        .isInstanceOf(SnapshotException.class)
        .hasMessage("cannot read snapshot directory " + notADir + ": not a directory (" + notADir
            + "); it must be a directory owned by the CloneGuard user, mode 0700");
    assertThatThrownBy(() -> bad.save(TestSnapshots.small("dev", ID, T0)))
        .isInstanceOf(SnapshotException.class)
        .hasMessage("cannot lock snapshot storage of dev (" + notADir.resolve("dev").resolve(".lock") + "): not a directory ("
            + notADir + ")");
  }

  @Test
  void pruneKeepsTheNewestAndProtectedSnapshotsAndReturnsWhatItRemoved() {
    List<String> ids = List.of("20261201T000000Z-0001", "20261202T000000Z-0002", "20261203T000000Z-0003",
        "20261204T000000Z-0004", "20261205T000000Z-0005");
    for (int i = 0; i < ids.size(); i++) {
      store.save(TestSnapshots.small("dev", ids.get(i), T0.plusSeconds(86_400L * i)));
    }
    store.save(TestSnapshots.small("test", "20261201T000000Z-0001", T0));

    List<SnapshotInfo> removed = store.prune("dev", 2, Set.of("20261202T000000Z-0002"));

    assertThat(removed).extracting(SnapshotInfo::id).containsExactly("20261203T000000Z-0003", "20261201T000000Z-0001");
    assertThat(store.list("dev")).extracting(SnapshotInfo::id)
        .containsExactly("20261205T000000Z-0005", "20261204T000000Z-0004", "20261202T000000Z-0002");
    assertThat(store.list("test")).hasSize(1);
    assertThat(store.prune("dev", 2, Set.of("20261202T000000Z-0002"))).isEmpty();
  }

  @Test
  void pruneKeepsTheLastSnapshotOfEachCloneEvenWhenNotToldTo() {
    store.save(TestSnapshots.small("dev", "20261201T000000Z-0001", T0, "clone:aaaa"));
    store.save(TestSnapshots.small("dev", "20261202T000000Z-0002", T0.plusSeconds(86_400), "clone:aaaa"));
    store.save(TestSnapshots.small("dev", "20261203T000000Z-0003", T0.plusSeconds(2 * 86_400), "baseline"));
    store.save(TestSnapshots.small("dev", "20261204T000000Z-0004", T0.plusSeconds(3 * 86_400), "baseline"));

    List<SnapshotInfo> removed = store.prune("dev", 1, Set.of());

    assertThat(removed).extracting(SnapshotInfo::id).containsExactly("20261203T000000Z-0003", "20261201T000000Z-0001");
    assertThat(store.list("dev")).extracting(SnapshotInfo::id).containsExactly("20261204T000000Z-0004", "20261202T000000Z-0002");
  }

  @Test
  void concurrentSavesOfOneInstanceAreSerialised() throws Exception {
    CountDownLatch firstInside = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    List<String> events = new CopyOnWriteArrayList<>();
    SnapshotFileOps blocking = new FaultyFileOps() {
      @Override
      public void writeNew(Path file, byte[] data) throws IOException {
        String name = file.getFileName().toString().substring(1, 22);
        events.add("start " + name);
        if (name.endsWith("0001")) {
          firstInside.countDown();
          try {
            releaseFirst.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        super.writeNew(file, data);
        events.add("end " + name);
      }
    };
    SnapshotStore s = new SnapshotStore(storage, key, blocking, Duration.ofSeconds(10));
    CompletableFuture<SnapshotInfo> first = CompletableFuture.supplyAsync(() -> s.save(TestSnapshots.small("dev", "20261204T101500Z-0001", T0)));
    assertThat(firstInside.await(10, TimeUnit.SECONDS)).isTrue();
    Thread[] secondThread = new Thread[1];
    CompletableFuture<SnapshotInfo> second = new CompletableFuture<>();
    secondThread[0] = new Thread(() -> second.complete(s.save(TestSnapshots.small("dev", "20261204T101500Z-0002", T0))));
    secondThread[0].start();

    // The second writer must be parked on the instance lock, not writing.
    await().atMost(Duration.ofSeconds(10)).until(() -> secondThread[0].getState() == Thread.State.TIMED_WAITING);
    assertThat(events).containsExactly("start 20261204T101500Z-0001");
    releaseFirst.countDown();

    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
    assertThat(events).containsExactly("start 20261204T101500Z-0001", "end 20261204T101500Z-0001",
        "start 20261204T101500Z-0002", "end 20261204T101500Z-0002");
  }

  @Test
  void lockHeldByAnotherProcessMakesAWriterWaitThenGiveUpWithAClearLine() throws Exception {
    store.save(TestSnapshots.small("dev", ID, T0));
    Path lockFile = storage.resolve("dev").resolve(".lock");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), lockFile.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");
      SnapshotStore impatient = new SnapshotStore(storage, key, SnapshotFileOps.system(), Duration.ofMillis(200));

      assertThatThrownBy(() -> impatient.save(TestSnapshots.small("dev", "20261204T111500Z-0001", T0.plusSeconds(3600))))
          .hasMessage("snapshot storage of dev is locked by another CloneGuard process (" + lockFile + "); wait for it to finish or stop it");

      holder.getOutputStream().close();
      assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
      impatient.save(TestSnapshots.small("dev", "20261204T111500Z-0001", T0.plusSeconds(3600)));
      assertThat(store.list("dev")).hasSize(2);
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void refusesToSaveASnapshotWhoseHashDoesNotMatchItsRows() {
    Snapshot good = TestSnapshots.small("dev", ID, T0);
    Snapshot forged = new Snapshot(good.metadata(), List.of(), good.roleGrants(), good.memberships(), good.groups(),
        good.groupRoles(), good.roles(), good.midServers(), good.preservers(), good.excludes());

    assertThatThrownBy(() -> store.save(forged)).hasMessage("snapshot dev/" + ID + " was not saved: its content hash does not match its rows");
    assertThat(fileOf("dev", ID)).doesNotExist();
  }

  private List<String> visibleAndHiddenFiles(String instance) throws IOException {
    try (Stream<Path> files = Files.list(storage.resolve(instance))) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
