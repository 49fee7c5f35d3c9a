package io.cloneguard.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotKeyTest {
  private static final byte[] AD = "dev/20261204T101500Z-3f2a".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  @Test
  void generatedKeyFileIsPrivateAndEncryptsRoundTrip() throws Exception {
    Path file = tmp.resolve("keys/snapshot.key");
    SnapshotKey.generate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    SnapshotKey key = SnapshotKey.load(file);
    byte[] ct = key.encrypt("hello".getBytes(StandardCharsets.UTF_8), AD);
    assertThat(new String(key.decrypt(ct, AD), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(key.keyIds()).containsExactly(key.primaryKeyId());
    assertThat(key.toString()).doesNotContain(Files.readString(file).substring(0, 20));
  }

  @Test
  void keygenRefusesToOverwriteAnExistingKeyFile() throws Exception {
    Path file = tmp.resolve("snapshot.key");
    SnapshotKey.generate(file);
    String before = Files.readString(file);

    assertThatThrownBy(() -> SnapshotKey.generate(file))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("already exists; refusing to overwrite");
    assertThat(Files.readString(file)).isEqualTo(before);
  }

  @Test
  void rotationAddsANewPrimaryKeyAndOldCiphertextsStillOpen() throws Exception {
    Path file = tmp.resolve("snapshot.key");
    SnapshotKey.generate(file);
    SnapshotKey old = SnapshotKey.load(file);
    byte[] oldCiphertext = old.encrypt("before rotation".getBytes(StandardCharsets.UTF_8), AD);

    SnapshotKey.rotate(file);
    SnapshotKey rotated = SnapshotKey.load(file);

    assertThat(rotated.keyIds()).hasSize(2).contains(old.primaryKeyId());
    assertThat(rotated.primaryKeyId()).isNotEqualTo(old.primaryKeyId());
    assertThat(new String(rotated.decrypt(oldCiphertext, AD), StandardCharsets.UTF_8)).isEqualTo("before rotation");
    byte[] fresh = rotated.encrypt("after".getBytes(StandardCharsets.UTF_8), AD);
    assertThatThrownBy(() -> old.decrypt(fresh, AD)).isInstanceOf(SnapshotException.WrongKey.class);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (var leftovers = Files.list(tmp)) {
      assertThat(leftovers).containsExactly(file);
    }
  }

  @Test
  void ciphertextFromAnotherKeysetIsReportedAsWrongKeyNotTampering() {
    SnapshotKey.generate(tmp.resolve("a.key"));
    SnapshotKey.generate(tmp.resolve("b.key"));
    byte[] ct = SnapshotKey.load(tmp.resolve("a.key")).encrypt(new byte[] {1, 2, 3}, AD);

    assertThatThrownBy(() -> SnapshotKey.load(tmp.resolve("b.key")).decrypt(ct, AD))
        .isInstanceOf(SnapshotException.WrongKey.class)
        .hasMessageStartingWith("encrypted with a different key");
  }

  @Test
  void modifiedCiphertextOrOtherAssociatedDataFailsAuthentication() {
    SnapshotKey.generate(tmp.resolve("k"));
    SnapshotKey key = SnapshotKey.load(tmp.resolve("k"));
    byte[] ct = key.encrypt(new byte[100], AD);
    ct[ct.length - 20] ^= 0x01;

    assertThatThrownBy(() -> key.decrypt(ct, AD))
        .isInstanceOf(SnapshotException.Tampered.class)
        .hasMessage("failed authentication: the file was modified or truncated");
    byte[] intact = key.encrypt(new byte[100], AD);
    assertThatThrownBy(() -> key.decrypt(intact, "prod/20261204T101500Z-3f2a".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SnapshotException.Tampered.class);
  }

  @Test
  void refusesAKeyFileThatOthersCanRead() throws Exception {
    Path file = tmp.resolve("k");
    SnapshotKey.generate(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> SnapshotKey.load(file))
        .isInstanceOf(SnapshotException.class)
        .hasMessage("key file " + file + " is accessible by group or others; run 'chmod 600 " + file + "'");
  }

  @Test
  void missingKeyFileSaysHowToCreateOne() {
    Path file = tmp.resolve("nope.key");
    assertThatThrownBy(() -> SnapshotKey.load(file))
        .hasMessage("key file " + file + " does not exist; create one with 'cloneguard keygen --out " + file + "'");
  }

  @Test
  void garbageKeyFileIsRejectedWithoutEchoingItsContent() throws Exception {
    Path file = tmp.resolve("k");
    Files.writeString(file, "{\"primaryKeyId\": 7, \"secretish\": \"AAAAsupersecretBBBB\"}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> SnapshotKey.load(file))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("is not a Tink JSON keyset")
        .message().doesNotContain("supersecret");
  }
}
