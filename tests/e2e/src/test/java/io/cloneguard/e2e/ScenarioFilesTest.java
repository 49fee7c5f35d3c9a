package io.cloneguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.ConfigLoader;
import io.cloneguard.config.Policy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioFilesTest {
  @TempDir Path dir;

  @Test
  void writesAConfigTheProductLoadsWithLoopbackUrlsShortIntervalsAndPasswordsInPrivateFiles() throws Exception {
    ScenarioFiles files = ScenarioFiles.in(dir)
        .instance(ScenarioFiles.InstanceSpec.source("prod", URI.create("http://127.0.0.1:41001"), "admin", "prod-Secret-1"))
        .instance(ScenarioFiles.InstanceSpec.target("dev", URI.create("http://127.0.0.1:41002"), "admin", "dev-Secret-2", "restore"));

    CloneGuardConfig config = ConfigLoader.load(files.write());

    assertThat(config.watched()).extracting(i -> i.name()).containsExactly("prod");
    assertThat(config.guarded()).extracting(i -> i.name()).containsExactly("dev");
    assertThat(config.guarded().get(0).policy()).isEqualTo(Policy.RESTORE);
    assertThat(config.guarded().get(0).auth().password().reveal()).isEqualTo("dev-Secret-2");
    assertThat(config.cloneRequests().poll()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.storage().dir()).isEqualTo(files.storage());
    assertThat(config.metrics().listen()).isEqualTo("127.0.0.1:" + files.metricsPort());
    assertThat(Files.readString(files.config())).doesNotContain("prod-Secret-1").doesNotContain("dev-Secret-2");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.secretsDir().resolve("dev.password")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.storage()))).isEqualTo("rwx------");
    assertThat(files.keyFile()).isRegularFile();
    assertThat(files.secretScanner().secretCount()).isEqualTo(2);
  }
}
