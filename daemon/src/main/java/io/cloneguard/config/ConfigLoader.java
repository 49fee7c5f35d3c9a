package io.cloneguard.config;

import io.cloneguard.config.CloneRequestsConfig.Fields;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and validates the YAML configuration. Reading never stops at the first problem: every
 * problem in the file is collected and reported at once, one line each with file:line and key path.
 */
public final class ConfigLoader {
  /** The configuration and the non-fatal findings (loose secret file permissions). */
  public record Loaded(CloneGuardConfig config, List<String> warnings) {
    public Loaded {
      warnings = List.copyOf(warnings);
    }
  }

  public static final Path DEFAULT_PATH = Path.of("/etc/cloneguard/cloneguard.yaml");

  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
  private static final Pattern TABLE = Pattern.compile("[a-z0-9_]+");
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9.-]+):(\\d{1,5})");

  private final Problems problems;
  private final SecretReferences references;
  private final Path baseDir;

  private ConfigLoader(Problems problems, SecretReferences references, Path baseDir) {
    this.problems = problems;
    this.references = references;
    this.baseDir = baseDir;
  }

  /**
   * Loads {@code file}, resolving {@code ${env:...}} from the process environment; warnings are logged.
   *
   * @throws ConfigException listing every problem, one line each with file:line and key path
   */
  public static CloneGuardConfig load(Path file) {
    return load(file, System::getenv);
  }

  /** As {@link #load(Path)}, with the environment given (tests, or a controlled environment). */
  public static CloneGuardConfig load(Path file, Function<String, String> env) {
    Loaded loaded = read(file, env);
    loaded.warnings().forEach(LOG::warn);
    return loaded.config();
  }

  /** Loads {@code file} and returns the warnings instead of logging them. */
  public static Loaded read(Path file, Function<String, String> env) {
    String fileName = file.toString();
    String text = readFile(file);
    YamlDocument document;
    try {
      document = YamlDocument.parse(text);
    } catch (YamlDocument.SyntaxError e) {
      String where = e.line > 0 ? fileName + ":" + e.line : fileName;
      throw new ConfigException(SecretMask.mask(where + ": not valid YAML: " + e.getMessage()));
    }
    Problems problems = new Problems(fileName, document);
    document.duplicateKeys().forEach(k -> problems.add(k, "key given twice (YAML keeps only the last); remove one"));
    Path baseDir = file.toAbsolutePath().normalize().getParent();
    List<String> warnings = new ArrayList<>();
    ConfigLoader loader = new ConfigLoader(problems, new SecretReferences(env, baseDir, warnings), baseDir);
    if (document.root().isNull()) {
      problems.addAt(0, "the file is empty; it needs at least an instances list (see config/cloneguard.example.yaml)");
      problems.throwIfAny();
    }
    if (!document.root().isObject()) {
      problems.addAt(1, "the file must be a mapping of keys like storage: and instances: (see config/cloneguard.example.yaml)");
      problems.throwIfAny();
    }
    CloneGuardConfig config = loader.config(file, Section.of(document.root(), "", problems, loader.references));
    problems.throwIfAny();
    return new Loaded(config, warnings);
  }

  private static String readFile(Path file) {
    String hint = "; give the path with --config FILE or the CLONEGUARD_CONFIG environment variable";
    try {
      if (Files.isDirectory(file)) {
        throw new ConfigException(file + ": is a directory, not a configuration file" + hint);
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": configuration file not found" + hint);
    } catch (AccessDeniedException e) {
      throw new ConfigException(file + ": cannot read the configuration file (permission denied); run CloneGuard as a user that may read it");
    } catch (MalformedInputException e) {
      throw new ConfigException(file + ": the configuration file is not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read the configuration file (" + e.getClass().getSimpleName() + ")");
    }
  }

  private CloneGuardConfig config(Path file, Section root) {
    StorageConfig storage = storage(root.section("storage"));
    List<InstanceConfig> instances = instances(root);
    CloneRequestsConfig cloneRequests = cloneRequests(root.section("cloneRequests"));
    HttpConfig http = http(root.section("http"));
    ScheduleConfig schedule = schedule(root.section("schedule"));
    SchedulerConfig scheduler = scheduler(root.section("scheduler"));
    MetricsConfig metrics = metrics(root.section("metrics"));
    root.rejectUnknownKeys();
    return new CloneGuardConfig(file, storage, instances, cloneRequests, http, schedule, scheduler, metrics);
  }

  private StorageConfig storage(Section s) {
    StorageConfig d = Defaults.STORAGE;
    Path dir = path(s, "dir").orElse(d.dir());
    Path keyFile = path(s, "keyFile").orElse(d.keyFile());
    int keep = s.integer("keepPerInstance", d.keepPerInstance(), 1, 10_000);
    s.rejectUnknownKeys();
    return new StorageConfig(dir, keyFile, keep);
  }

  private List<InstanceConfig> instances(Section root) {
    if (!root.has("instances")) {
      root.problem("instances", "missing; list at least one ServiceNow instance (see config/cloneguard.example.yaml)");
      return List.of();
    }
    List<Section> sections = root.sections("instances");
    if (root.isEmptyList("instances")) {
      root.problem("instances", "is empty; list at least one ServiceNow instance");
    }
    List<InstanceConfig> result = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Section s : sections) {
      if (!s.malformed()) {
        instance(s, seen).ifPresent(result::add);
      }
    }
    return result;
  }

  /** @param seen instance names so far, to the path where each was given */
  private Optional<InstanceConfig> instance(Section s, Map<String, String> seen) {
    Optional<String> name = s.text("name");
    if (name.isEmpty() && !s.has("name")) {
      s.problem("name", "missing; give the instance a short name like dev ([a-z0-9-]+)");
    } else if (name.isPresent() && !NAME.matcher(name.get()).matches()) {
      s.problem("name", "must match [a-z0-9-]+ (got " + s.shown("name", name.get()) + ")");
      name = Optional.empty();
    } else if (name.isPresent() && seen.containsKey(name.get())) {
      s.problem("name", "duplicate instance name " + name.get() + " (also " + seen.get(name.get()) + "); names must be unique");
      name = Optional.empty();
    }
    name.ifPresent(n -> seen.put(n, s.path()));
    Optional<URI> url = instanceUrl(s);
    Optional<AuthConfig> auth = auth(s);
    boolean watch = s.bool("watchCloneRequests", false);
    boolean guard = s.bool("guard", false);
    Policy policy = policy(s);
    List<String> midRoles = s.strings("midRoles").orElse(Defaults.MID_ROLES);
    if (midRoles.isEmpty()) {
      s.problem("midRoles", "must name at least one role (default [mid_server])");
    }
    s.rejectUnknownKeys();
    if (name.isEmpty() || url.isEmpty() || auth.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new InstanceConfig(name.get(), url.get(), auth.get(), watch, guard, policy, midRoles));
  }

  private Optional<URI> instanceUrl(Section s) {
    if (!s.has("url")) {
      s.problem("url", "missing; give the instance address like https://acme.service-now.com");
      return Optional.empty();
    }
    Optional<String> text = s.text("url");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<URI> uri = absoluteUri(s, "url", text.get(), "https://acme.service-now.com");
    if (uri.isEmpty()) {
      return Optional.empty();
    }
    URI u = uri.get();
    if (u.getRawUserInfo() != null) {
      s.problem("url", "must not contain a user name or password; put them under auth");
      return Optional.empty();
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null) {
      s.problem("url", "must not have a query or fragment (got " + s.shown("url", u) + ")");
      return Optional.empty();
    }
    if (u.getScheme().equalsIgnoreCase("http") && !isLoopback(u.getHost())) {
      s.problem("url", "must use https (got " + s.shown("url", u) + ")");
      return Optional.empty();
    }
    if (!u.getScheme().equalsIgnoreCase("http") && !u.getScheme().equalsIgnoreCase("https")) {
      s.problem("url", "must use https (got " + s.shown("url", u) + ")");
      return Optional.empty();
    }
    String normalized = u.toString().replaceAll("/+$", "");
    return Optional.of(URI.create(normalized));
  }

  /** Loopback by its literal form only: a name is not resolved, so a DNS answer cannot allow plain http. */
  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || IPV4_LOOPBACK.matcher(h).matches();
  }

  private static Optional<URI> absoluteUri(Section s, String key, String text, String example) {
    try {
      URI u = new URI(text.trim());
      if (u.getScheme() != null && u.getHost() != null) {
        return Optional.of(u);
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    s.problem(key, "must be an absolute URL like " + example + " (got " + s.shown(key, text) + ")");
    return Optional.empty();
  }

  private Optional<AuthConfig> auth(Section instance) {
    if (!instance.has("auth")) {
      instance.problem("auth", "missing; give auth: {type: basic, username: ..., password: ...} or type oauth");
      return Optional.empty();
    }
    Section s = instance.section("auth");
    if (s.malformed()) {
      return Optional.empty();
    }
    Optional<String> type = s.text("type");
    Optional<String> username = s.text("username");
    Optional<Secret> password = s.secret("password");
    Optional<String> clientId = s.text("clientId");
    Optional<Secret> clientSecret = s.secret("clientSecret");
    s.rejectUnknownKeys();
    if (type.isEmpty()) {
      if (!s.has("type")) {
        s.problem("type", "missing; use basic or oauth");
      }
      return Optional.empty();
    }
    switch (type.get().trim().toLowerCase(Locale.ROOT)) {
      case "basic" -> {
        boolean ok = require(s, "username", username.isPresent(), "basic") & require(s, "password", password.isPresent(), "basic");
        if (s.has("clientId") || s.has("clientSecret")) {
          s.problem(s.has("clientId") ? "clientId" : "clientSecret", "is only used with type oauth; remove it or set type: oauth");
          ok = false;
        }
        return ok ? Optional.of(AuthConfig.basic(username.get(), password.get())) : Optional.empty();
      }
      case "oauth" -> {
        boolean ok = require(s, "clientId", clientId.isPresent(), "oauth") & require(s, "clientSecret", clientSecret.isPresent(), "oauth");
        if (username.isPresent() != password.isPresent() && s.has("username") != s.has("password")) {
          String missing = username.isPresent() ? "password" : "username";
          s.problem(missing, "missing; the oauth password grant needs both username and password (or neither, for client_credentials)");
          ok = false;
        }
        return ok
            ? Optional.of(AuthConfig.oauth(clientId.get(), clientSecret.get(), username.orElse(null), password.orElse(null)))
            : Optional.empty();
      }
      default -> {
        s.problem("type", "must be basic or oauth (got " + s.shown("type", type.get()) + ")");
        return Optional.empty();
      }
    }
  }

  /** Reports a missing required key (but not one that is present with a bad value: that is reported already). */
  private static boolean require(Section s, String key, boolean present, String type) {
    if (!present && !s.has(key)) {
      s.problem(key, "missing; " + type + " auth needs it");
    }
    return present;
  }

  private static Policy policy(Section s) {
    Optional<String> text = s.text("policy");
    if (text.isEmpty()) {
      return Defaults.POLICY;
    }
    for (Policy p : Policy.values()) {
      if (p.configName().equals(text.get().trim())) {
        return p;
      }
    }
    s.problem("policy", "must be restore or alert-only (got " + s.shown("policy", text.get()) + ")");
    return Defaults.POLICY;
  }

  private CloneRequestsConfig cloneRequests(Section s) {
    CloneRequestsConfig d = Defaults.CLONE_REQUESTS;
    String table = tableName(s, "table", d.table());
    Duration poll = s.duration("poll", d.poll(), false);
    Section f = s.section("fields");
    Fields df = d.fields();
    Fields fields =
        new Fields(
            tableName(f, "sourceInstance", df.sourceInstance()),
            tableName(f, "targetInstance", df.targetInstance()),
            tableName(f, "state", df.state()),
            tableName(f, "scheduled", df.scheduled()),
            tableName(f, "started", df.started()),
            tableName(f, "completed", df.completed()),
            tableName(f, "canceled", df.canceled()));
    f.rejectUnknownKeys();
    s.rejectUnknownKeys();
    return new CloneRequestsConfig(table, poll, fields);
  }

  /** A table or field name as the Table API spells it. */
  private static String tableName(Section s, String key, String defaultValue) {
    Optional<String> text = s.text(key);
    if (text.isPresent() && !TABLE.matcher(text.get()).matches()) {
      s.problem(key, "must be a table or field name like " + defaultValue + " ([a-z0-9_]+, got " + s.shown(key, text.get()) + ")");
      return defaultValue;
    }
    return text.orElse(defaultValue);
  }

  private HttpConfig http(Section s) {
    HttpConfig d = Defaults.HTTP;
    int concurrency = s.integer("concurrency", d.concurrency(), 1, 64);
    int pageSize = s.integer("pageSize", d.pageSize(), 1, 10_000);
    Duration connectTimeout = s.duration("connectTimeout", d.connectTimeout(), false);
    Duration requestTimeout = s.duration("requestTimeout", d.requestTimeout(), false);
    double rate = s.positiveNumber("maxRequestsPerSecond", d.maxRequestsPerSecond(), 10_000);
    URI proxy = proxy(s);
    Path trustStore = path(s, "trustStore").orElse(null);
    if (trustStore != null && !Files.isReadable(trustStore)) {
      s.problem("trustStore", "cannot read " + trustStore + "; give a readable PKCS12 file or remove the key");
    }
    Secret trustStorePassword = s.secret("trustStorePassword").orElse(null);
    if (trustStorePassword != null && trustStore == null && !s.has("trustStore")) {
      s.problem("trustStorePassword", "is set but trustStore is not; set trustStore or remove it");
    }
    int maxRetries = s.integer("maxRetries", d.maxRetries(), 0, 20);
    Duration maxRetryAfter = s.duration("maxRetryAfter", d.maxRetryAfter(), false);
    s.rejectUnknownKeys();
    return new HttpConfig(
        concurrency, pageSize, connectTimeout, requestTimeout, rate, proxy, trustStore, trustStorePassword, maxRetries, maxRetryAfter);
  }

  private static URI proxy(Section s) {
    Optional<String> text = s.text("proxy");
    if (text.isEmpty()) {
      return null;
    }
    Optional<URI> uri = absoluteUri(s, "proxy", text.get(), "http://proxy.example.com:3128");
    if (uri.isPresent() && !uri.get().getScheme().equalsIgnoreCase("http") && !uri.get().getScheme().equalsIgnoreCase("https")) {
      s.problem("proxy", "must be an http:// or https:// URL (got " + s.shown("proxy", text.get()) + ")");
      return null;
    }
    if (uri.isPresent() && uri.get().getRawUserInfo() != null) {
      s.problem("proxy", "must not contain a user name or password");
      return null;
    }
    return uri.orElse(null);
  }

  private ScheduleConfig schedule(Section s) {
    ScheduleConfig d = Defaults.SCHEDULE;
    String cron = s.text("baselineSnapshot", d.baselineSnapshot()).trim();
    if (!CronExpression.isValidExpression(cron)) {
      s.problem("baselineSnapshot", "must be a Quartz cron expression like \"0 0 2 * * ?\" (seconds minutes hours day-of-month month day-of-week; got " + s.shown("baselineSnapshot", cron) + ")");
      cron = d.baselineSnapshot();
    }
    Duration settle = s.duration("settleAfterClone", d.settleAfterClone(), true);
    int settlePolls = s.integer("settlePolls", d.settlePolls(), 1, 100);
    Duration midUpTimeout = s.duration("midUpTimeout", d.midUpTimeout(), false);
    Duration midCheckInterval = s.duration("midCheckInterval", d.midCheckInterval(), false);
    Duration stopTimeout = s.duration("stopTimeout", d.stopTimeout(), false);
    s.rejectUnknownKeys();
    return new ScheduleConfig(cron, settle, settlePolls, midUpTimeout, midCheckInterval, stopTimeout);
  }

  private static SchedulerConfig scheduler(Section s) {
    Optional<String> storeText = s.text("store");
    SchedulerConfig.Store store = SchedulerConfig.Store.EMBEDDED;
    if (storeText.isPresent()) {
      switch (storeText.get().trim()) {
        case "embedded" -> store = SchedulerConfig.Store.EMBEDDED;
        case "jdbc" -> store = SchedulerConfig.Store.JDBC;
        default -> s.problem("store", "must be embedded or jdbc (got " + s.shown("store", storeText.get()) + ")");
      }
    }
    Optional<String> url = s.text("url");
    Optional<String> user = s.text("user");
    Optional<Secret> password = s.secret("password");
    s.rejectUnknownKeys();
    if (store == SchedulerConfig.Store.JDBC) {
      if (url.isEmpty() && !s.has("url")) {
        s.problem("url", "missing; store jdbc needs a JDBC URL like jdbc:postgresql://db.example.com/cloneguard");
      } else if (url.isPresent() && !url.get().startsWith("jdbc:")) {
        s.problem("url", "must be a JDBC URL starting with jdbc: (got " + s.shown("url", url.get()) + ")");
      }
    } else {
      for (String key : List.of("url", "user", "password")) {
        if (s.has(key)) {
          s.problem(key, "is only used with store jdbc; remove it or set store: jdbc");
        }
      }
    }
    return new SchedulerConfig(store, url.orElse(null), user.orElse(null), password.orElse(null));
  }

  private static MetricsConfig metrics(Section s) {
    String listen = s.text("listen", Defaults.METRICS.listen()).trim();
    var m = HOST_PORT.matcher(listen);
    if (!m.matches() || Integer.parseInt(m.group(2)) > 65_535) {
      s.problem("listen", "must be host:port like 127.0.0.1:9464 (port 0 picks a free port; got " + s.shown("listen", listen) + ")");
      listen = Defaults.METRICS.listen();
    }
    s.rejectUnknownKeys();
    return new MetricsConfig(listen);
  }

  /** A file system path; relative paths are relative to the configuration file's directory. */
  private Optional<Path> path(Section s, String key) {
    Optional<String> text = s.text(key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (text.get().isBlank()) {
      s.problem(key, "must not be empty");
      return Optional.empty();
    }
    try {
      return Optional.of(baseDir.resolve(text.get().trim()).normalize());
    } catch (RuntimeException e) {
      s.problem(key, "is not a valid path (got " + s.shown(key, text.get()) + ")");
      return Optional.empty();
    }
  }
}
