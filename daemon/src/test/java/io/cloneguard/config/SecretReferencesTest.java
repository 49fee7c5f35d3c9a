package io.cloneguard.config;

import static io.cloneguard.config.ConfigFiles.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ${env:...} and ${file:...} references, as the loader resolves them. */
class SecretReferencesTest {
  @TempDir Path dir;

  private ConfigLoader.Loaded loadWithPassword(String reference, Map<String, String> env) {
    return ConfigLoader.read(ConfigFiles.write(dir, BASE.replace("base-password-1", "\"" + reference + "\"")), env::get);
  }

  private static String passwordOf(ConfigLoader.Loaded loaded) {
    return loaded.config().instances().get(0).auth().password().reveal();
  }

  private Path secretFile(String name, String content, String permissions) throws Exception {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  @Test
  void environmentVariableBecomesAMaskedSecret() {
    ConfigLoader.Loaded loaded = loadWithPassword("${env:CG_DEV_PASSWORD}", Map.of("CG_DEV_PASSWORD", "env-pass-7781"));

    assertThat(passwordOf(loaded)).isEqualTo("env-pass-7781");
    assertThat(loaded.config().instances().get(0).auth().password()).hasToString("***");
    assertThat(SecretMask.mask("login failed for env-pass-7781")).isEqualTo("login failed for ***");
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void fallbackIsUsedOnlyWhenTheVariableIsUnset() {
    assertThat(passwordOf(loadWithPassword("${env:CG_X:-fallback-pw}", Map.of()))).isEqualTo("fallback-pw");
    assertThat(passwordOf(loadWithPassword("${env:CG_X:-fallback-pw}", Map.of("CG_X", "real-pw-1")))).isEqualTo("real-pw-1");
  }

  @Test
  void fileContentLosesItsTrailingNewlineOnly() throws Exception {
    secretFile("prod.password", "  pass word\r\n", "rw-------");

    ConfigLoader.Loaded loaded = loadWithPassword("${file:prod.password}", Map.of());

    assertThat(passwordOf(loaded)).isEqualTo("  pass word");
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void systemdCredentialsDirectoryWorksThroughNesting() throws Exception {
    Path creds = dir.resolve("run/credentials/cloneguard.service");
    secretFile("run/credentials/cloneguard.service/prod.password", "cred-pw-4242\n", "r--------");

    ConfigLoader.Loaded loaded =
        loadWithPassword("${file:${env:CREDENTIALS_DIRECTORY}/prod.password}", Map.of("CREDENTIALS_DIRECTORY", creds.toString()));

    assertThat(passwordOf(loaded)).isEqualTo("cred-pw-4242");
    assertThat(SecretMask.mask(creds.toString())).as("the directory is not a secret").isEqualTo(creds.toString());
  }

  @Test
  void groupReadableFileLoadsWithAWarning() throws Exception {
    Path file = secretFile("loose.password", "loose-pw-1\n", "rw-r--r--");

    ConfigLoader.Loaded loaded = loadWithPassword("${file:" + file + "}", Map.of());

    assertThat(passwordOf(loaded)).isEqualTo("loose-pw-1");
    assertThat(loaded.warnings()).containsExactly("secret file " + file + " is readable by group or others; run: chmod 600 " + file);
  }

  @Test
  void missingFileIsNamedWithoutAnyValue() {
    Path file = ConfigFiles.write(dir, BASE.replace("base-password-1", "\"${file:${env:CRED_DIR}/gone.password}\""));

    assertThat(ConfigFiles.problemsOf(file, Map.of("CRED_DIR", "/run/credentials/x")))
        .containsExactly("cloneguard.yaml:4: instances[0].auth.password: secret file /run/credentials/x/gone.password does not exist");
  }

  @Test
  void directoryInsteadOfSecretFileIsNamed() {
    Path file = ConfigFiles.write(dir, BASE.replace("base-password-1", "\"${file:" + dir + "}\""));

    assertThat(ConfigFiles.problemsOf(file, Map.of()))
        .containsExactly("cloneguard.yaml:4: instances[0].auth.password: secret file " + dir + " is a directory");
  }

  @Test
  void emptySecretFileIsAnError() throws Exception {
    secretFile("empty.password", "\n", "rw-------");
    Path file = ConfigFiles.write(dir, BASE.replace("base-password-1", "\"${file:empty.password}\""));

    assertThat(ConfigFiles.problemsOf(file, Map.of()))
        .containsExactly("cloneguard.yaml:4: instances[0].auth.password: secret file " + dir.resolve("empty.password") + " is empty");
  }

  @Test
  void emptyVariableIsReportedAsEmpty() {
    Path file = ConfigFiles.write(dir, BASE.replace("base-password-1", "\"${env:CG_EMPTY}\""));

    assertThat(ConfigFiles.problemsOf(file, Map.of("CG_EMPTY", "")))
        .containsExactly("cloneguard.yaml:4: instances[0].auth.password: environment variable CG_EMPTY is empty (referenced as ${env:CG_EMPTY})");
  }

  @Test
  void referencesWorkInsidePlainTextAndDoubleDollarIsLiteral() {
    String yaml = BASE.replace("https://dev.example.com", "\"https://${env:CG_HOST}.example.com\"").replace("base-password-1", "\"p$${x}\"");

    CloneGuardConfig c = ConfigLoader.read(ConfigFiles.write(dir, yaml), Map.of("CG_HOST", "devhost")::get).config();

    assertThat(c.instances().get(0).url()).hasToString("https://devhost.example.com");
    assertThat(c.instances().get(0).auth().password().reveal()).isEqualTo("p${x}");
  }

  @Test
  void invalidVariableNameIsReported() {
    Path file = ConfigFiles.write(dir, BASE.replace("base-password-1", "\"${env:CG-DEV}\""));

    assertThat(ConfigFiles.problemsOf(file, Map.of()))
        .containsExactly("cloneguard.yaml:4: instances[0].auth.password: ${env:CG-DEV}: not a valid environment variable name");
  }
}
