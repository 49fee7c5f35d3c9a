package io.cloneguard.restore;

import static io.cloneguard.restore.Tables.AGENTS;
import static io.cloneguard.restore.Tables.AGENT_ISSUES;
import static io.cloneguard.restore.Tables.USERS;

import io.cloneguard.servicenow.Record;
import io.cloneguard.servicenow.ServiceNowClient;
import io.cloneguard.servicenow.ServiceNowException;
import io.cloneguard.servicenow.Sleeper;
import io.cloneguard.servicenow.TableQuery;
import io.cloneguard.snapshot.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Waits for the MID Servers that were Up in a snapshot to be Up again, and explains the ones that
 * are not. Reads only: it never touches ecc_agent or ecc_agent_issue (the platform resolves its
 * own InstanceClone issues when an agent comes back).
 */
public final class MidServerCheck {
  private final Clock clock;
  private final Sleeper sleeper;
  private final PasswordEscrow escrow;
  private final List<String> midRoles;

  public MidServerCheck() {
    this(Clock.systemUTC(), Sleeper.REAL, null, List.of("mid_server"));
  }

  /**
   * @param escrow used to tell "password not escrowed" from other causes; may be null
   * @param midRoles the roles a MID account needs (InstanceConfig.midRoles)
   */
  public MidServerCheck(Clock clock, Sleeper sleeper, PasswordEscrow escrow, List<String> midRoles) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.escrow = escrow;
    this.midRoles = List.copyOf(midRoles);
  }

  /**
   * Polls ecc_agent every {@code interval} until every agent that was Up in the snapshot is Up, or
   * {@code timeout} has passed. A poll that fails (instance briefly unavailable) counts as "not yet";
   * if no poll succeeds at all before the timeout, the last error is thrown.
   */
  public MidReport await(Snapshot snapshot, ServiceNowClient client, Duration timeout, Duration interval) {
    String instance = snapshot.metadata().instance();
    List<Record> expected = snapshot.midServers().stream()
        .filter(a -> "Up".equalsIgnoreCase(a.get("status")))
        .sorted(java.util.Comparator.comparing((Record a) -> a.get("name")).thenComparing(Record::sysId))
        .toList();
    if (expected.isEmpty()) {
      return new MidReport(instance, List.of(), cloneIssues(client));
    }
    Instant deadline = clock.instant().plus(timeout);
    LiveReader reader = new LiveReader(client);
    Map<String, Record> live = null;
    ServiceNowException lastError = null;
    while (true) {
      try {
        Map<String, Record> seen = poll(reader, expected);
        live = seen;
        lastError = null;
        if (expected.stream().allMatch(a -> isUp(find(seen, a)))) {
          break;
        }
      } catch (ServiceNowException e) {
        lastError = e;
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        break;
      }
      try {
        sleeper.sleep(interval.compareTo(left) < 0 ? interval : left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (live == null) {
      throw lastError != null ? lastError : new RestoreException("MID Server check on " + instance + " was interrupted before the first poll");
    }
    return new MidReport(instance, statuses(instance, client, expected, live), cloneIssues(client));
  }

  private static Map<String, Record> poll(LiveReader reader, List<Record> expected) {
    List<Record> rows = reader.whereEither(AGENTS, "sys_id", expected.stream().map(Record::sysId).toList(),
        "name", expected.stream().map(a -> a.get("name")).filter(n -> !n.isEmpty()).toList(),
        List.of("sys_id", "name", "status", "validated", "user_name"));
    Map<String, Record> byKey = new HashMap<>();
    for (Record r : rows) {
      byKey.put(r.sysId(), r);
      byKey.putIfAbsent("name:" + r.get("name"), r);
    }
    return byKey;
  }

  /** The live agent for a snapshot agent: same sys_id (ecc_agent is not cloned), or failing that the same name. */
  private static Record find(Map<String, Record> live, Record agent) {
    Record byId = live.get(agent.sysId());
    return byId != null ? byId : live.get("name:" + agent.get("name"));
  }

  private static boolean isUp(Record agent) {
    return agent != null && "Up".equalsIgnoreCase(agent.get("status"));
  }

  private List<MidStatus> statuses(String instance, ServiceNowClient client, List<Record> expected, Map<String, Record> live) {
    List<String> downUsers = expected.stream()
        .filter(a -> !isUp(find(live, a)))
        .map(a -> userOf(a, find(live, a)))
        .filter(u -> !u.isEmpty())
        .distinct()
        .toList();
    Map<String, Record> users = new HashMap<>();
    if (!downUsers.isEmpty()) {
      new LiveReader(client).where(USERS, "user_name", downUsers, List.of("sys_id", "user_name", "active", "locked_out", "roles"))
          .forEach(u -> users.putIfAbsent(u.get("user_name"), u));
    }
    List<MidStatus> result = new ArrayList<>();
    for (Record agent : expected) {
      Record now = find(live, agent);
      String user = userOf(agent, now);
      if (now == null) {
        result.add(new MidStatus(agent.get("name"), agent.sysId(), user, "missing", "",
            "the MID Server record no longer exists on " + instance + "; reinstall or re-register the MID Server"));
      } else if (isUp(now)) {
        result.add(new MidStatus(now.get("name"), now.sysId(), user, now.get("status"), now.get("validated"), null));
      } else {
        result.add(new MidStatus(now.get("name"), now.sysId(), user, now.get("status"), now.get("validated"), cause(instance, now, user, users.get(user))));
      }
    }
    return result;
  }

  private static String userOf(Record snapshotAgent, Record liveAgent) {
    String fromLive = liveAgent == null ? "" : liveAgent.get("user_name");
    return fromLive.isEmpty() ? snapshotAgent.get("user_name") : fromLive;
  }

  /** The most likely reason, checked in the order an admin would: account, role, password, validation. */
  private String cause(String instance, Record agent, String userName, Record user) {
    if (userName.isEmpty()) {
      return "the MID Server record names no user; check mid.instance.username in its config.xml";
    }
    if (user == null) {
      return "account missing: there is no user '" + userName + "' on " + instance + "; run cloneguard restore " + instance + " --user " + userName;
    }
    if (!user.isTrue("active") || user.isTrue("locked_out")) {
      return "account '" + userName + "' is " + (user.isTrue("locked_out") ? "locked out" : "inactive") + " on " + instance;
    }
    Set<String> roles = Arrays.stream(user.get("roles").split(",")).map(String::trim).collect(Collectors.toSet());
    if (midRoles.stream().noneMatch(roles::contains)) {
      return "role missing: '" + userName + "' does not hold " + String.join(" or ", midRoles) + " on " + instance;
    }
    if (escrow != null && !escrow.has(instance, userName)) {
      return "password not escrowed: set the password of '" + userName + "' on " + instance
          + " to match the MID Server's config.xml (or escrow it and rerun restore)";
    }
    if (!"true".equalsIgnoreCase(agent.get("validated"))) {
      return "not validated (validated=" + (agent.get("validated").isEmpty() ? "empty" : agent.get("validated"))
          + "): validate the MID Server on " + instance;
    }
    return "account and role are in place: the password on " + instance + " probably does not match the MID Server's config.xml,"
        + " or the MID Server has not reconnected yet; check its agent log";
  }

  private static List<String> cloneIssues(ServiceNowClient client) {
    List<String> issues = new ArrayList<>();
    try {
      client.forEach(
          TableQuery.of(AGENT_ISSUES, "source=InstanceClone")
              .withFields("sys_id", "mid_server", "source", "message", "state", "last_detected")
              .requireEach("source is InstanceClone", r -> "InstanceClone".equalsIgnoreCase(r.get("source"))),
          r -> issues.add(String.format("%s (MID Server %s, state %s, last detected %s)", r.get("message"),
              r.display("mid_server"), r.get("state").isEmpty() ? "-" : r.get("state"), r.get("last_detected").isEmpty() ? "-" : r.get("last_detected"))));
    } catch (ServiceNowException.Forbidden | ServiceNowException.NotFound e) {
      issues.add("ecc_agent_issue could not be read (" + e.getMessage() + ")");
    }
    return issues;
  }
}
