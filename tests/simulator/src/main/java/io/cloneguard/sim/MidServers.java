package io.cloneguard.sim;

import java.io.Closeable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;

/**
 * The simulated MID Servers of one instance. Each has the credentials of its config.xml
 * (mid.instance.username / password), which live on the MID host and so survive a clone. A ticker
 * sets each ecc_agent row Up when its user exists, is active, not locked out, holds mid_server and
 * the password matches, otherwise Down.
 */
final class MidServers implements Closeable {
  private record Agent(String userName, String password) {}

  private final Database db;
  private final Map<String, Agent> agents = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker;
  private ScheduledFuture<?> task;

  MidServers(Database db, String instance, Duration period) {
    this.db = db;
    this.ticker = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("sim-" + instance + "-mid"));
    period(period);
  }

  synchronized void period(Duration period) {
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("MID ticker period must be positive, got " + period);
    }
    if (task != null) {
      task.cancel(false);
    }
    task = ticker.scheduleAtFixedRate(this::tickSafely, period.toNanos(), period.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  String add(String name, String userName, String password) {
    agents.put(name, new Agent(userName, password));
    List<Map<String, String>> existing = db.select("ecc_agent", "name=" + name);
    Map<String, String> values = new LinkedHashMap<>();
    values.put("name", name);
    values.put("user_name", userName);
    values.put("host_name", "mid-" + name.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
    values.put("version", "xanadu-07-02-2024__patch3");
    values.put("validated", "true");
    String sysId;
    if (existing.isEmpty()) {
      values.put("status", "Down");
      sysId = db.insert("ecc_agent", values, "system", false, false).get("sys_id");
    } else {
      sysId = existing.get(0).get("sys_id");
      db.update("ecc_agent", sysId, values, "system", false, false);
    }
    tick();
    return sysId;
  }

  /** Changes the password in the MID Server's config.xml (not the user's). */
  void reconfigure(String name, String userName, String password) {
    if (!agents.containsKey(name)) {
      throw new IllegalArgumentException("no simulated MID Server named " + name + "; known: " + agents.keySet());
    }
    agents.put(name, new Agent(userName, password));
  }

  String status(String name) {
    List<Map<String, String>> rows = db.select("ecc_agent", "name=" + name);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no ecc_agent named " + name);
    }
    return rows.get(0).get("status");
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // An exception escaping a scheduled task would cancel every later tick.
    }
  }

  /** One round: every agent logs in with its configured credentials and its status follows. */
  void tick() {
    String now = db.now();
    for (Map.Entry<String, Agent> e : agents.entrySet()) {
      String name = e.getKey();
      Agent a = e.getValue();
      boolean up = canLogIn(a);
      for (Map<String, String> row : db.select("ecc_agent", "name=" + name)) {
        String status = up ? "Up" : "Down";
        Map<String, String> values = new LinkedHashMap<>();
        values.put("last_refreshed", now);
        if (!status.equals(row.get("status"))) {
          values.put("status", status);
          values.put(up ? "started" : "stopped", now);
        }
        db.update("ecc_agent", row.get("sys_id"), values, "system", false, false);
        if (up) {
          resolveIssues(row.get("sys_id"));
        }
      }
    }
  }

  /**
   * What the platform's "Bad MID Server credentials after clone" job does: an ecc_agent_issue
   * (source InstanceClone) for each MID Server that is Down after a clone.
   */
  void reportCloneIssues() {
    tick();
    for (Map<String, String> agent : db.select("ecc_agent", "status=Down")) {
      Map<String, String> values = new LinkedHashMap<>();
      values.put("mid_server", agent.get("sys_id"));
      values.put("source", "InstanceClone");
      values.put("message", CloneEngine.ISSUE_MESSAGE);
      values.put("state", "new");
      values.put("last_detected", db.now());
      db.insert("ecc_agent_issue", values, "system", false, false);
    }
  }

  /** The business rule that resolves a clone issue once its MID Server is Up again. */
  private void resolveIssues(String agentSysId) {
    for (Map<String, String> issue : db.select("ecc_agent_issue", "mid_server=" + agentSysId + "^source=InstanceClone^state!=resolved")) {
      db.update("ecc_agent_issue", issue.get("sys_id"), Map.of("state", "resolved"), "system", false, false);
    }
  }

  private boolean canLogIn(Agent a) {
    return db.read(() -> {
      Map<String, String> u = db.userByName(a.userName());
      if (u == null) {
        return false;
      }
      boolean active = !"false".equalsIgnoreCase(u.get("active")) && !"true".equalsIgnoreCase(u.get("locked_out"));
      boolean mid = List.of(u.getOrDefault("roles", "").split(",")).contains("mid_server");
      return active && mid && Auth.passwordMatches(u, a.password());
    });
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
