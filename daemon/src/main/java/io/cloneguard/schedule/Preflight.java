package io.cloneguard.schedule;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.SecretMask;
import io.cloneguard.metrics.CloneGuardMetrics;
import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.servicenow.TableQuery;
import io.cloneguard.snapshot.SnapshotKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks that CloneGuard can do its job before a clone proves otherwise: credentials, read and
 * write access (with harmless requests), the three MID Clone Data Preservers on each watched
 * source, that CloneGuard's own account on each guarded instance survives a clone, the key file,
 * storage and the clock. Never writes data: the write probe is an empty PATCH.
 */
public final class Preflight {
  /** Outcome of one check. */
  public enum Status { OK, WARN, FAIL }

  /** One line of the checklist. {@code instance} is {@code local} for the key, storage and clock checks. */
  public record Check(String instance, String check, Status status, String message) {}

  /** Every check of one instance. */
  public record Report(String instance, List<Check> checks) {
    public List<String> warnings() {
      return checks.stream().filter(c -> c.status() != Status.OK).map(c -> c.check() + ": " + c.message()).toList();
    }
  }

  /** The three preservers ServiceNow documents for MID Server accounts, per MID role. */
  record ExpectedPreserver(String table, String condition) {}

  static final String LOCAL = "local";
  static final List<String> CHECKS =
      List.of("credentials", "read_access", "write_access", "preservers", "own_account_preserved", "key_file", "storage", "clock");
  private static final String NO_SUCH_ID = "00000000000000000000000000000000";
  private static final List<String> GUARD_READ =
      List.of("sys_user", "sys_user_has_role", "sys_user_grmember", "sys_user_group", "sys_group_has_role", "sys_user_role", "ecc_agent");
  private static final List<String> RESTORE_WRITE = List.of("sys_user_group", "sys_user", "sys_user_has_role", "sys_user_grmember");
  /** Sanity floor for the clock: no CloneGuard build is older. */
  private static final Instant CLOCK_FLOOR = Instant.parse("2025-01-01T00:00:00Z");

  private final CloneGuardConfig config;
  private final Function<String, ServiceNowClient> clients;
  private final CloneGuardMetrics metrics;
  private final Clock clock;

  public Preflight(CloneGuardConfig config, Function<String, ServiceNowClient> clients, CloneGuardMetrics metrics, Clock clock) {
    this.config = config;
    this.clients = clients;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Runs every check for the given instances plus the local ones; sets cloneguard_preflight_warnings. */
  public List<Report> run(List<InstanceConfig> instances) {
    List<Report> reports = new ArrayList<>();
    reports.add(local());
    Map<String, List<Record>> preserversBySource = new LinkedHashMap<>();
    for (InstanceConfig i : instances) {
      reports.add(instance(i, preserversBySource));
    }
    if (metrics != null) {
      for (Report r : reports) {
        for (Check c : r.checks()) {
          metrics.preflightWarning(c.instance(), c.check(), c.status() != Status.OK);
        }
      }
    }
    return reports;
  }

  private Report local() {
    List<Check> checks = new ArrayList<>();
    Path keyFile = config.storage().keyFile();
    try {
      SnapshotKey.load(keyFile);
      checks.add(ok(LOCAL, "key_file", "snapshot key " + keyFile + " opens"));
    } catch (RuntimeException e) {
      String why = SecretMask.mask(String.valueOf(e.getMessage()));
      checks.add(new Check(LOCAL, "key_file", Status.FAIL, why.contains("keygen") ? why : why + " (create one with 'cloneguard keygen')"));
    }
    Path dir = config.storage().dir();
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".preflight-", ".tmp");
      Files.delete(probe);
      checks.add(ok(LOCAL, "storage", dir + " is writable"));
    } catch (IOException | RuntimeException e) {
      checks.add(new Check(LOCAL, "storage", Status.FAIL, "storage.dir " + dir + " is not writable: " + e.getMessage()
          + " (create it, owned by the cloneguard user, mode 0700)"));
    }
    Instant now = clock.instant();
    if (now.isBefore(CLOCK_FLOOR)) {
      checks.add(new Check(LOCAL, "clock", Status.WARN, "system clock says " + now + ", before " + CLOCK_FLOOR
          + ": fix NTP (timedatectl) or snapshot times and clone request matching will be wrong"));
    } else {
      checks.add(ok(LOCAL, "clock", "system clock " + now));
    }
    return new Report(LOCAL, checks);
  }

  private Report instance(InstanceConfig i, Map<String, List<Record>> preserversBySource) {
    List<Check> checks = new ArrayList<>();
    String name = i.name();
    ServiceNowClient c = clients.apply(name);
    Optional<Record> own;
    try {
      own = ownAccount(i, c);
      checks.add(ok(name, "credentials", "logged in" + (i.auth().username() == null ? "" : " as " + i.auth().username())));
    } catch (ServiceNowException.AuthenticationFailed e) {
      checks.add(new Check(name, "credentials", Status.FAIL, "the instance refused CloneGuard's credentials (401): check instances." + name
          + ".auth; after a clone the account may have been wiped (recreate it)"));
      return new Report(name, checks);
    } catch (ServiceNowException e) {
      checks.add(new Check(name, "credentials", Status.FAIL, "cannot reach " + name + ": " + SecretMask.mask(e.getMessage())));
      return new Report(name, checks);
    }
    List<String> tables = new ArrayList<>();
    if (i.guard()) {
      tables.addAll(GUARD_READ);
    }
    if (i.watchCloneRequests()) {
      tables.add(config.cloneRequests().table());
      tables.add("clone_data_preserver");
    }
    List<String> unreadable = new ArrayList<>();
    for (String t : tables) {
      try {
        c.list(TableQuery.of(t, "sys_id=" + NO_SUCH_ID).withFields("sys_id"));
      } catch (ServiceNowException e) {
        unreadable.add(t + " (" + (e.status() == 0 ? "no answer" : "HTTP " + e.status()) + ")");
      }
    }
    checks.add(unreadable.isEmpty() ? ok(name, "read_access", "can read " + String.join(", ", tables))
        : new Check(name, "read_access", Status.WARN, "cannot read " + String.join(", ", unreadable)
            + ": grant the account read access (e.g. a role with table read ACLs, or snc_read_only plus " + config.cloneRequests().table() + ")"));
    if (i.guard()) {
      checks.add(writeAccess(i, c, own));
    }
    if (i.watchCloneRequests()) {
      checks.add(preservers(i, c, preserversBySource));
    }
    if (i.guard()) {
      checks.add(ownAccountPreserved(i, c, own, preserversBySource));
    }
    return new Report(name, checks);
  }

  private Optional<Record> ownAccount(InstanceConfig i, ServiceNowClient c) {
    String user = i.auth().username();
    if (user == null || user.isBlank()) {
      c.count("sys_user", "sys_id=" + NO_SUCH_ID); // OAuth client_credentials: still prove the credentials work
      return Optional.empty();
    }
    return c.list(TableQuery.of("sys_user", "user_name=" + user).withFields("sys_id", "user_name", "roles")
        .requireEach("user_name is " + user, r -> user.equalsIgnoreCase(r.get("user_name")))).stream().findFirst();
  }

  private Check writeAccess(InstanceConfig i, ServiceNowClient c, Optional<Record> own) {
    List<String> refused = new ArrayList<>();
    for (String t : RESTORE_WRITE) {
      try {
        // An empty PATCH changes nothing; on an id that does not exist the answer is 404 when writes are allowed, 403 when an ACL refuses.
        String id = t.equals("sys_user") && own.isPresent() ? own.get().sysId() : NO_SUCH_ID;
        c.patch(t, id, Map.of());
      } catch (ServiceNowException.NotFound e) {
        // allowed: the record just does not exist
      } catch (ServiceNowException.Forbidden e) {
        refused.add(t);
      } catch (ServiceNowException e) {
        refused.add(t + " (" + (e.status() == 0 ? "no answer" : "HTTP " + e.status()) + ")");
      }
    }
    if (refused.isEmpty()) {
      return ok(i.name(), "write_access", "may write " + String.join(", ", RESTORE_WRITE) + " (record ACLs can still refuse single rows)");
    }
    return new Check(i.name(), "write_access", Status.WARN, "cannot write " + String.join(", ", refused)
        + ": restore would fail; give the account user_admin (or ACLs to create sys_user, sys_user_group, sys_user_has_role, sys_user_grmember)");
  }

  private Check preservers(InstanceConfig source, ServiceNowClient c, Map<String, List<Record>> bySource) {
    List<Record> rows;
    try {
      rows = c.list(TableQuery.of("clone_data_preserver", "").withFields("sys_id", "name", "table", "condition"));
    } catch (ServiceNowException e) {
      return new Check(source.name(), "preservers", Status.WARN, "cannot read clone_data_preserver: " + SecretMask.mask(e.getMessage()));
    }
    bySource.put(source.name(), rows);
    List<String> problems = new ArrayList<>();
    for (ExpectedPreserver p : expectedPreservers()) {
      List<Record> sameTable = rows.stream().filter(r -> p.table().equals(r.get("table"))).toList();
      if (sameTable.stream().anyMatch(r -> normalize(r.get("condition")).equals(normalize(p.condition())))) {
        continue;
      }
      if (sameTable.isEmpty()) {
        problems.add("missing: " + p.table() + " with condition " + p.condition());
      } else {
        problems.add("different: " + p.table() + " has condition "
            + String.join(" / ", sameTable.stream().map(r -> "'" + r.get("condition") + "'").toList()) + ", expected " + p.condition());
      }
    }
    if (problems.isEmpty()) {
      return ok(source.name(), "preservers", "the MID Server preservers are in place");
    }
    return new Check(source.name(), "preservers", Status.WARN, String.join("; ", problems)
        + ". Without them every clone from " + source.name() + " wipes the targets' MID accounts (CloneGuard restores them, but add the"
        + " preservers under System Clone > Preserve Data on " + source.name() + ")");
  }

  private List<ExpectedPreserver> expectedPreservers() {
    List<ExpectedPreserver> out = new ArrayList<>();
    List<String> roles = config.guarded().stream().flatMap(g -> g.midRoles().stream()).distinct().toList();
    for (String role : roles.isEmpty() ? List.of("mid_server") : roles) {
      out.add(new ExpectedPreserver("sys_user", "roles=" + role));
      out.add(new ExpectedPreserver("sys_user_has_role", "user.roles=" + role));
      out.add(new ExpectedPreserver("sys_user_grmember", "user.roles=" + role));
    }
    return out;
  }

  private Check ownAccountPreserved(InstanceConfig target, ServiceNowClient c, Optional<Record> own, Map<String, List<Record>> bySource) {
    String user = target.auth().username();
    if (user == null || user.isBlank()) {
      return new Check(target.name(), "own_account_preserved", Status.WARN,
          "OAuth client_credentials: CloneGuard cannot tell which user the token acts as; make sure it is preserved on the clone source");
    }
    if (own.isEmpty()) {
      return new Check(target.name(), "own_account_preserved", Status.WARN, "user " + user + " not found in sys_user on " + target.name());
    }
    List<InstanceConfig> sources = config.watched().stream().filter(s -> !s.name().equals(target.name())).toList();
    if (sources.isEmpty()) {
      return new Check(target.name(), "own_account_preserved", Status.WARN,
          "no watched clone source is configured, so whether account " + user + " survives a clone cannot be checked");
    }
    List<String> notPreserved = new ArrayList<>();
    for (InstanceConfig s : sources) {
      List<Record> preservers = bySource.get(s.name());
      if (preservers == null) {
        try {
          preservers = clients.apply(s.name()).list(TableQuery.of("clone_data_preserver", "").withFields("sys_id", "name", "table", "condition"));
          bySource.put(s.name(), preservers);
        } catch (ServiceNowException e) {
          notPreserved.add(s.name() + " (preservers unreadable)");
          continue;
        }
      }
      boolean kept = false;
      for (Record p : preservers) {
        if ("sys_user".equals(p.get("table")) && matches(c, own.get(), user, p.get("condition"))) {
          kept = true;
          break;
        }
      }
      if (!kept) {
        notPreserved.add(s.name());
      }
    }
    if (notPreserved.isEmpty()) {
      return ok(target.name(), "own_account_preserved", "account " + user + " is kept by a sys_user preserver on every watched source");
    }
    return new Check(target.name(), "own_account_preserved", Status.WARN, "account " + user + " on " + target.name()
        + " is not kept by any sys_user Clone Data Preserver on " + String.join(", ", notPreserved) + ": after the next clone CloneGuard will be"
        + " locked out of " + target.name() + " and cannot restore it. Fix: on the source add sys_user and sys_user_has_role preservers with"
        + " condition user_name=" + user + " (resp. user.user_name=" + user + "), or give the account a role an existing preserver keeps");
  }

  /** Whether the live account matches a preserver condition: simple {@code roles=x} locally, anything else asked of the instance. */
  private static boolean matches(ServiceNowClient c, Record own, String user, String condition) {
    String cond = normalize(condition);
    if (cond.isEmpty()) {
      return true; // an unconditional preserver keeps every user
    }
    if (cond.matches("roles=[a-z0-9_.]+")) {
      String role = cond.substring("roles=".length());
      return List.of(own.get("roles").toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains(role);
    }
    if (cond.matches("user_name=[^^]+")) {
      return cond.substring("user_name=".length()).equalsIgnoreCase(user);
    }
    try {
      return c.count("sys_user", "sys_id=" + own.sysId() + "^" + condition) > 0;
    } catch (ServiceNowException e) {
      return false;
    }
  }

  static String normalize(String condition) {
    String c = condition == null ? "" : condition.strip();
    if (c.endsWith("^EQ")) {
      c = c.substring(0, c.length() - 3);
    }
    return c.replace(" ", "").toLowerCase(Locale.ROOT);
  }

  private static Check ok(String instance, String check, String message) {
    return new Check(instance, check, Status.OK, message);
  }

  /**
   * Preflight outside the daemon ({@code cloneguard preflight}): builds clients for the instances
   * checked (and the watched sources the own-account check needs), runs, closes them.
   *
   * @param only an instance name, or null for all
   */
  public static List<Report> standalone(CloneGuardConfig config, String only, Clock clock) {
    List<InstanceConfig> selected = only == null ? config.instances()
        : List.of(config.instance(only).orElseThrow(() -> new io.cloneguard.config.ConfigException(
            "no instance named '" + only + "' in " + config.file() + " (known: "
                + String.join(", ", config.instances().stream().map(InstanceConfig::name).toList()) + ")")));
    Map<String, ServiceNowClient> clients = new java.util.concurrent.ConcurrentHashMap<>();
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    Function<String, ServiceNowClient> lazy = name -> clients.computeIfAbsent(name, n ->
        io.cloneguard.servicenow.ServiceNowClients.create(config.instance(n).orElseThrow(), config.http(), registry));
    try {
      return new Preflight(config, lazy, null, clock).run(selected);
    } finally {
      clients.values().forEach(ServiceNowClient::close);
      registry.close();
    }
  }

  /** 0 when every check passed, 1 with warnings, 3 when a check failed (unreachable, refused, no key). */
  public static int exitCode(List<Report> reports) {
    boolean fail = reports.stream().flatMap(r -> r.checks().stream()).anyMatch(c -> c.status() == Status.FAIL);
    boolean warn = reports.stream().flatMap(r -> r.checks().stream()).anyMatch(c -> c.status() == Status.WARN);
    return fail ? 3 : warn ? 1 : 0;
  }
}
