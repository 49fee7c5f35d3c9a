package io.cloneguard.sim;

import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One simulated ServiceNow instance: its own HTTP server on 127.0.0.1, its own records, users,
 * MID Servers, faults and request log. State can be read and changed directly (no HTTP) for
 * tests; direct writes run the business rules but skip the Table API's reference checks.
 */
public final class SimInstance implements Closeable {
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    // The JDK server writes headers and body separately; with Nagle's algorithm on, the client's
    // delayed ACK stalls every response by ~40 ms. Read once, when the first HttpServer starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final String name;
  private final Simulator simulator;
  private final Clock clock;
  private final Database db;
  private final Faults faults;
  private final RequestLog log = new RequestLog();
  private final Auth auth;
  private final OAuth oauth;
  private final Set<String> writeRoles = ConcurrentHashMap.newKeySet();
  private final HttpServer server;
  private final ExecutorService executor;
  private final URI url;
  private final TableApi tableApi;
  private final Control control;
  private final MidServers midServers;
  private final String initialAdminPassword;
  private volatile boolean maintenance;

  SimInstance(String name, Simulator simulator, Clock clock, int port, Duration midTickerPeriod) {
    this.name = name;
    this.simulator = simulator;
    this.clock = clock;
    this.db = new Database(clock);
    this.faults = new Faults(clock);
    this.auth = new Auth(db, clock);
    this.oauth = new OAuth(auth);
    this.writeRoles.addAll(List.of("admin", "user_admin", "clone_admin"));
    this.initialAdminPassword = newPassword();
    BaseData.install(db, initialAdminPassword);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    } catch (IOException e) {
      throw new UncheckedIOException("simulator: instance " + name + " cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    this.url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    this.tableApi = new TableApi(db, url.toString(), writeRoles, this::afterApiInsert);
    this.control = new Control(this);
    this.midServers = new MidServers(db, name, midTickerPeriod);
    this.executor = Executors.newCachedThreadPool(new DaemonThreads("sim-" + name + "-http"));
    server.setExecutor(executor);
    server.createContext("/", new Router(this));
    server.start();
  }

  static String newPassword() {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    StringBuilder sb = new StringBuilder("Sim-");
    for (int i = 0; i < 16; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  public String name() {
    return name;
  }

  /** {@code http://127.0.0.1:PORT}, no trailing slash. */
  public URI url() {
    return url;
  }

  public int port() {
    return url.getPort();
  }

  public String adminUser() {
    return BaseData.ADMIN_USER;
  }

  /**
   * The admin's current password. After a clone that did not preserve the admin this is the
   * source's, exactly as on the platform where sys_user was copied.
   */
  public String adminPassword() {
    Map<String, String> admin = db.get("sys_user", BaseData.ADMIN_SYS_ID);
    String stored = admin == null ? "" : admin.getOrDefault("user_password", "");
    return stored.isEmpty() || stored.startsWith(Database.UNUSABLE_PASSWORD) ? initialAdminPassword : stored;
  }

  // ---- users, roles, groups ------------------------------------------------------------

  /** Creates an active user with these roles (creating unknown roles) and returns its sys_id. */
  public String addUser(String userName, String password, String... roles) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("user_name", userName);
    values.put("first_name", userName);
    values.put("user_password", password);
    String sysId = db.insert("sys_user", values, "system", true, false).get("sys_id");
    for (String role : roles) {
      grantRole(sysId, role);
    }
    return sysId;
  }

  /** Grants a role directly (inherited=false); returns the sys_user_has_role sys_id. */
  public String grantRole(String userSysId, String role) {
    return db.insert("sys_user_has_role", Map.of("user", userSysId, "role", roleId(role)), "system", false, false).get("sys_id");
  }

  /** The sys_id of a role, creating it when it does not exist. */
  public String roleId(String role) {
    List<Map<String, String>> existing = db.select("sys_user_role", "name=" + role);
    if (!existing.isEmpty()) {
      return existing.get(0).get("sys_id");
    }
    return db.insert("sys_user_role", Map.of("sys_id", BaseData.roleSysId(role), "name", role), "system", false, false).get("sys_id");
  }

  /** Creates a group holding these roles; returns its sys_id. */
  public String addGroup(String groupName, String... roles) {
    String sysId = db.insert("sys_user_group", Map.of("name", groupName), "system", false, false).get("sys_id");
    for (String role : roles) {
      db.insert("sys_group_has_role", Map.of("group", sysId, "role", roleId(role)), "system", false, false);
    }
    return sysId;
  }

  /** Adds a user to a group (inherited grants follow); returns the sys_user_grmember sys_id. */
  public String addMember(String userSysId, String groupSysId) {
    return db.insert("sys_user_grmember", Map.of("user", userSysId, "group", groupSysId), "system", false, false).get("sys_id");
  }

  /** Sets a user's password directly. */
  public void setPassword(String userSysId, String password) {
    db.update("sys_user", userSysId, Map.of("user_password", password), "system", true, false);
  }

  /** Whether this user exists and this is its password (passwords are never readable, even here). */
  public boolean passwordMatches(String userName, String password) {
    Map<String, String> user = db.read(() -> db.userByName(userName));
    return user != null && Auth.passwordMatches(user, password);
  }

  /** Roles whose holders may write through the API (default admin, user_admin, clone_admin); others get 403. */
  public void setWriteRoles(String... roles) {
    writeRoles.clear();
    writeRoles.addAll(List.of(roles));
  }

  /** Registers an OAuth client; {@code clientCredentialsUser} enables client_credentials as that user (null: off). */
  public void addOAuthClient(String clientId, String clientSecret, String clientCredentialsUser) {
    oauth.addClient(clientId, clientSecret, clientCredentialsUser);
  }

  /** Lifetimes of issued OAuth tokens (default 1800 s and 100 days). */
  public void setTokenLifetimes(Duration access, Duration refresh) {
    oauth.lifetimes(access, refresh);
  }

  public SeedResult seed(Seed seed) {
    return Seeder.seed(this, db, seed);
  }

  // ---- state read-back and direct manipulation --------------------------------------------

  /** Every row of a table: plain values, references as sys_ids, passwords left out. */
  public List<Map<String, String>> rows(String table) {
    return rows(table, "");
  }

  /** Rows matching an encoded query (same language and quirks as the Table API). */
  public List<Map<String, String>> rows(String table, String encodedQuery) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Map<String, String> row : db.select(table, encodedQuery)) {
      out.add(plain(row));
    }
    return out;
  }

  public Optional<Map<String, String>> row(String table, String sysId) {
    return Optional.ofNullable(db.get(table, sysId)).map(SimInstance::plain);
  }

  public int count(String table, String encodedQuery) {
    return db.count(table, db.parse(table, encodedQuery));
  }

  private static Map<String, String> plain(Map<String, String> row) {
    Map<String, String> copy = new LinkedHashMap<>(row);
    copy.remove("user_password");
    return copy;
  }

  /** Inserts a row directly (a {@code sys_id} in values is kept; {@code user_password} sets the password); returns its sys_id. */
  public String put(String table, Map<String, String> values) {
    return db.insert(table, values, "system", true, false).get("sys_id");
  }

  public void update(String table, String sysId, Map<String, String> values) {
    db.update(table, sysId, values, "system", true, false);
  }

  /** Deletes a row directly (cascades like the platform: a user's grants and memberships go with it). */
  public void remove(String table, String sysId) {
    db.delete(table, sysId);
  }

  public RequestLog requestLog() {
    return log;
  }

  public Faults faults() {
    return faults;
  }

  // ---- MID Servers ------------------------------------------------------------------------

  /** Adds (or reconfigures) a MID Server that logs in with these credentials; returns the ecc_agent sys_id. */
  public String addMidServer(String midName, String userName, String password) {
    return midServers.add(midName, userName, password);
  }

  /** "Up" or "Down", as the ecc_agent row says. */
  public String midServerStatus(String midName) {
    return midServers.status(midName);
  }

  /** How often MID Servers try to log in (default 2 s). */
  public void setMidTickerPeriod(Duration period) {
    midServers.period(period);
  }

  /** Runs one MID Server round now. */
  public void tickMidServers() {
    midServers.tick();
  }

  // ---- clone data preservers -------------------------------------------------------------

  /** Adds the three documented MID Server preservers (they only work on a clone's source); returns their sys_ids. */
  public List<String> addMidPreservers() {
    List<String> ids = new ArrayList<>();
    for (Preserver p : Preserver.midServerDefaults()) {
      ids.add(addPreserver(p));
    }
    return ids;
  }

  public String addPreserver(Preserver p) {
    return put("clone_data_preserver", Map.of("name", p.name(), "table", p.table(), "condition", p.condition(), "include_in_system_clone", "true"));
  }

  /** Replaces every preserver with these. */
  public void setPreservers(List<Preserver> preservers) {
    for (Map<String, String> row : rows("clone_data_preserver")) {
      remove("clone_data_preserver", row.get("sys_id"));
    }
    preservers.forEach(this::addPreserver);
  }

  /** Removes the preservers on one table; returns how many there were. */
  public int removePreserver(String table) {
    List<Map<String, String>> rows = rows("clone_data_preserver", "table=" + table);
    rows.forEach(r -> remove("clone_data_preserver", r.get("sys_id")));
    return rows.size();
  }

  /** Adds a clone data exclusion (source rows of {@code table} matching {@code condition} are not copied). */
  public String addExclusion(String name, String table, String condition) {
    return put("clone_data_exclude", Map.of("name", name, "table", table, "condition", condition, "include_in_system_clone", "true"));
  }

  // ---- internals --------------------------------------------------------------------------

  Database db() {
    return db;
  }

  Clock clock() {
    return clock;
  }

  Auth auth() {
    return auth;
  }

  OAuth oauth() {
    return oauth;
  }

  TableApi tableApi() {
    return tableApi;
  }

  Control control() {
    return control;
  }

  Simulator simulator() {
    return simulator;
  }

  boolean inMaintenance() {
    return maintenance;
  }

  void maintenance(boolean on) {
    maintenance = on;
  }

  /** After this instance was cloned over: MID Servers try again and Down ones are reported as the platform does. */
  void afterClone() {
    midServers.reportCloneIssues();
  }

  private void afterApiInsert(String table, Map<String, String> row) {
    if (simulator != null && "clone_instance".equals(table)) {
      simulator.cloneRequested(this, row);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    midServers.close();
  }

  @Override
  public String toString() {
    return "SimInstance[" + name + " " + url + "]";
  }
}
