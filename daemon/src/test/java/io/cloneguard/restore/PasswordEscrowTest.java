package io.cloneguard.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import io.cloneguard.config.Secret;
import io.cloneguard.snapshot.SnapshotKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordEscrowTest {
  @TempDir Path dir;
  private final Aead key = TestKeys.newAead();

  @Test
  void returnsTheStoredPasswordAndListsOnlyUserNames() {
    PasswordEscrow escrow = new PasswordEscrow(dir, key);
    escrow.put("dev", "mid.dev1", Secret.of("Correct-Horse-1"));
    escrow.put("dev", "mid.dev2", Secret.of("Battery-Staple-2"));
    escrow.put("test", "mid.test1", Secret.of("Other-Instance-3"));

    assertThat(escrow.get("dev", "mid.dev1")).hasValueSatisfying(s -> assertThat(s.reveal()).isEqualTo("Correct-Horse-1"));
    assertThat(escrow.get("dev", "mid.dev3")).isEmpty();
    assertThat(escrow.users("dev")).containsExactly("mid.dev1", "mid.dev2");
    assertThat(escrow.instances()).containsExactly("dev", "test");
    assertThat(new PasswordEscrow(dir, key).get("dev", "mid.dev2").orElseThrow().reveal()).isEqualTo("Battery-Staple-2");
  }

  @Test
  void keepsTheFileEncryptedAndPrivate() throws Exception {
    PasswordEscrow escrow = new PasswordEscrow(dir, key);
    escrow.put("dev", "mid.dev1", Secret.of("Correct-Horse-1"));

    Path file = dir.resolve("escrow/dev.json");
    assertThat(Files.readString(file)).contains("mid.dev1").doesNotContain("Correct-Horse-1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    try (var files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temp file left behind").containsExactlyInAnyOrder("dev.json", ".lock");
    }
  }

  @Test
  void refusesAValueMovedToAnotherUser() throws Exception {
    PasswordEscrow escrow = new PasswordEscrow(dir, key);
    escrow.put("dev", "mid.dev1", Secret.of("Correct-Horse-1"));
    Path file = dir.resolve("escrow/dev.json");
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode content = (ObjectNode) mapper.readTree(file.toFile());
    ((ObjectNode) content.get("users")).set("mid.evil", content.get("users").get("mid.dev1"));
    mapper.writeValue(file.toFile(), content);

    assertThatThrownBy(() -> escrow.get("dev", "mid.evil"))
        .isInstanceOf(RestoreException.class)
        .hasMessageStartingWith("escrow dev/mid.evil: the stored password does not decrypt with this key");
  }

  @Test
  void saysSoWhenTheKeyIsAnotherOne() {
    new PasswordEscrow(dir, key).put("dev", "mid.dev1", Secret.of("Correct-Horse-1"));

    assertThatThrownBy(() -> new PasswordEscrow(dir, TestKeys.newAead()).get("dev", "mid.dev1"))
        .isInstanceOf(RestoreException.class)
        .hasMessageContaining("cloneguard escrow set dev mid.dev1")
        .hasMessageNotContaining("Correct-Horse-1");
  }

  @Test
  void rejectsAnInstanceNameThatCouldEscapeTheDirectory() {
    PasswordEscrow escrow = new PasswordEscrow(dir, key);

    assertThatThrownBy(() -> escrow.put("../etc", "x", Secret.of("whatever-1")))
        .isInstanceOf(RestoreException.class)
        .hasMessage("escrow: '../etc' is not an instance name ([a-z0-9-]+)");
  }

  @Test
  void worksWithTheSnapshotKeyAndRefusesAnotherKeyFile() {
    Path keyFile = dir.resolve("keys/cloneguard.key");
    Path otherFile = dir.resolve("keys/other.key");
    SnapshotKey.generate(keyFile);
    SnapshotKey.generate(otherFile);
    new PasswordEscrow(dir, SnapshotKey.load(keyFile)).put("dev", "mid.dev1", Secret.of("Correct-Horse-1"));

    assertThat(new PasswordEscrow(dir, SnapshotKey.load(keyFile)).get("dev", "mid.dev1").orElseThrow().reveal()).isEqualTo("Correct-Horse-1");
    assertThatThrownBy(() -> new PasswordEscrow(dir, SnapshotKey.load(otherFile)).get("dev", "mid.dev1"))
        .isInstanceOf(RestoreException.class)
        .hasMessageStartingWith("escrow dev/mid.dev1: the stored password does not decrypt with this key");
  }

  @Test
  void rejectsAnEmptyPassword() {
    assertThatThrownBy(() -> new PasswordEscrow(dir, key).put("dev", "mid.dev1", Secret.of("")))
        .hasMessage("escrow dev/mid.dev1: the password is empty; nothing stored");
  }
}
