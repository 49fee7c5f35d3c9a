package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretScannerTest {
  @TempDir Path dir;

  @Test
  void reportsWhereASecretWasSeenWithoutRepeatingIt() {
    SecretScanner scanner = new SecretScanner().secret("dev admin password", "s3cr3t-Value");

    scanner.scan("daemon stderr", "starting\nlogin as admin with s3cr3t-Value\n");

    assertThat(scanner.findings()).containsExactly("dev admin password appears in daemon stderr line 2");
    assertThat(String.join("\n", scanner.findings())).doesNotContain("s3cr3t-Value");
  }

  @Test
  void findsSecretsInFilesUnderATreeExceptTheFilesMeantToHoldThem() throws Exception {
    Path log = Files.writeString(dir.resolve("audit.jsonl"), "{\"detail\":\"pw=hunter2hunter2\"}\n");
    Path passwordFile = Files.writeString(dir.resolve("dev.password"), "hunter2hunter2\n");
    Files.writeString(dir.resolve("clean.log"), "nothing to see\n");
    SecretScanner scanner = new SecretScanner().secret("dev password", "hunter2hunter2").exclude(passwordFile);

    scanner.scanTree(dir);

    assertThat(scanner.findings()).containsExactly("dev password appears in file " + log);
  }

  @Test
  void cleanOutputHasNoFindings() {
    SecretScanner scanner = new SecretScanner().secret("a", "abcdefgh").scan("stdout", "*** masked ***");
    assertThat(scanner.findings()).isEmpty();
  }
}
