package io.cloneguard.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloneguard.snapshot.SnapshotKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a scenario (or the demo) gives CloneGuard: {@code cloneguard.yaml} with loopback
 * simulator URLs and short intervals, the snapshot key, one 0600 password file per instance
 * (referenced as {@code ${file:...}}, as a production config would) and a 0700 storage dir.
 */
public final class ScenarioFiles {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private final Path dir;
  private final List<InstanceSpec> instances = new ArrayList<>();
  private Timings timings = Timings.fast();
  private int metricsPort;
  private final SecretScanner secrets = new SecretScanner();

  private ScenarioFiles(Path dir) {
    this.dir = dir;
  }

  /** Files under {@code dir}, which must exist (a test's @TempDir or the demo's temp dir). */
  public static ScenarioFiles in(Path dir) {
    return new ScenarioFiles(dir.toAbsolutePath());
  }

  /** One instance CloneGuard talks to, with the admin account the simulator seeded. */
  public record InstanceSpec(String name, URI url, String username, String password, boolean watchCloneRequests, boolean guard, String policy) {
    public static InstanceSpec source(String name, URI url, String username, String password) {
      return new InstanceSpec(name, url, username, password, true, false, null);
    }

    public static InstanceSpec target(String name, URI url, String username, String password, String policy) {
      return new InstanceSpec(name, url, username, password, false, true, policy);
    }
  }

  /** The daemon's timings, in the configuration's duration syntax. */
  public record Timings(
      String poll, String settleAfterClone, int settlePolls, String midUpTimeout, String midCheckInterval, String stopTimeout, String requestTimeout) {
    /** Sub-second polling so a whole clone workflow fits in seconds. */
    public static Timings fast() {
      return new Timings("500ms", "1s", 2, "30s", "500ms", "10s", "5s");
    }
  }

  public ScenarioFiles instance(InstanceSpec spec) {
    instances.add(spec);
    secrets.secret(spec.name() + " password of " + spec.username(), spec.password());
    return this;
  }

  public ScenarioFiles timings(Timings t) {
    this.timings = t;
    return this;
  }

  /** The daemon's metrics/health/status port; 0 (the default) picks a free one when writing. */
  public ScenarioFiles metricsPort(int port) {
    this.metricsPort = port;
    return this;
  }

  public Path dir() {
    return dir;
  }

  public Path config() {
    return dir.resolve("cloneguard.yaml");
  }

  public Path keyFile() {
    return dir.resolve("cloneguard.key");
  }

  public Path storage() {
    return dir.resolve("storage");
  }

  public Path secretsDir() {
    return dir.resolve("secrets");
  }

  public Path auditLog() {
    return storage().resolve("audit.jsonl");
  }

  public int metricsPort() {
    return metricsPort;
  }

  /** A scanner that already knows every password in this config (add more, e.g. escrowed MID passwords). */
  public SecretScanner secretScanner() {
    return secrets;
  }

  /** Writes the config, password files and storage dir, and a new key unless one exists. Returns the config path. */
  public Path write() {
    if (metricsPort == 0) {
      metricsPort = FreePort.pick();
    }
    try {
      Files.createDirectories(secretsDir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.createDirectories(storage(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      for (InstanceSpec i : instances) {
        Path pw = secretsDir().resolve(i.name() + ".password");
        writePrivate(pw, i.password() + "\n");
        secrets.exclude(pw);
      }
      writeConfigText(YAML.writeValueAsString(configTree()));
      if (!Files.exists(keyFile())) {
        generateKey(keyFile());
      }
      return config();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write scenario files under " + dir, e);
    }
  }

  /** Replaces cloneguard.yaml with the given text (broken-config scenarios). */
  public Path writeConfigText(String yaml) {
    try {
      writePrivate(config(), yaml);
      return config();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + config(), e);
    }
  }

  /** The YAML text {@link #write} produces. */
  public String configText() {
    try {
      return YAML.writeValueAsString(configTree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> configTree() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("storage", map("dir", storage().toString(), "keyFile", keyFile().toString(), "keepPerInstance", 14));
    List<Map<String, Object>> list = new ArrayList<>();
    for (InstanceSpec i : instances) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", i.name());
      m.put("url", i.url().toString());
      m.put("auth", map("type", "basic", "username", i.username(), "password", "${file:" + secretsDir().resolve(i.name() + ".password") + "}"));
      if (i.watchCloneRequests()) {
        m.put("watchCloneRequests", true);
      }
      if (i.guard()) {
        m.put("guard", true);
        m.put("policy", i.policy());
        m.put("midRoles", List.of("mid_server"));
      }
      list.add(m);
    }
    root.put("instances", list);
    root.put("cloneRequests", map("table", "clone_instance", "poll", timings.poll()));
    root.put("http", map("concurrency", 4, "pageSize", 1000, "connectTimeout", "2s", "requestTimeout", timings.requestTimeout(), "maxRequestsPerSecond", 200,
        "maxRetries", 5, "maxRetryAfter", "2s"));
    Map<String, Object> schedule = new LinkedHashMap<>();
    schedule.put("baselineSnapshot", "0 0 2 * * ?");
    schedule.put("settleAfterClone", timings.settleAfterClone());
    schedule.put("settlePolls", timings.settlePolls());
    schedule.put("midUpTimeout", timings.midUpTimeout());
    schedule.put("midCheckInterval", timings.midCheckInterval());
    schedule.put("stopTimeout", timings.stopTimeout());
    root.put("schedule", schedule);
    root.put("scheduler", map("store", "embedded"));
    root.put("metrics", map("listen", "127.0.0.1:" + metricsPort));
    return root;
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Written to a temp file, restricted, then moved into place: never a half-written or world-readable secret. */
  static void writePrivate(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A fresh Tink keyset, made by the product itself (what `cloneguard keygen` does). */
  static void generateKey(Path keyFile) {
    SnapshotKey.generate(keyFile);
  }

}
