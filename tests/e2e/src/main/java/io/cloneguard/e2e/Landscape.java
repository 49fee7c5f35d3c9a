package io.cloneguard.e2e;

import io.cloneguard.sim.Preserver;
import io.cloneguard.sim.Seed;
import io.cloneguard.sim.SeedResult;
import io.cloneguard.sim.SimInstance;
import io.cloneguard.sim.Simulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A prod and a dev instance as an admin would have them before cloning prod over dev: dev has MID
 * Server users, groups and memberships and MID Servers that are Up; prod has the clone data
 * preservers it was given and lacks dev's extra MID group. CloneGuard logs in to both as {@code
 * svc_cloneguard}, an account that exists on prod with the same sys_id and password, so it
 * survives the clone (as the daemon's preflight asks).
 */
public final class Landscape implements AutoCloseable {
  public static final String SERVICE_ACCOUNT = "svc_cloneguard";
  /** A stable sys_id, the same on both instances, like any record that came from an earlier clone. */
  static final String SERVICE_ACCOUNT_ID = "c10e0a4d00000000000000000000c0de";

  private final Simulator simulator;
  private final SimInstance prod;
  private final SimInstance dev;
  private final SeedResult devSeed;
  private final String serviceAccountPassword;
  private final List<String> prodPreservers;
  private final List<String> prodOnlyMissingGroups;

  private Landscape(Simulator simulator, Options options) {
    this.simulator = simulator;
    this.prod = simulator.instance("prod");
    this.dev = simulator.instance("dev");
    this.serviceAccountPassword = randomPassword();
    for (SimInstance i : List.of(prod, dev)) {
      i.put("sys_user", Map.of("sys_id", SERVICE_ACCOUNT_ID, "user_name", SERVICE_ACCOUNT, "first_name", "CloneGuard", "last_name", "Service",
          "web_service_access_only", "true", "user_password", serviceAccountPassword));
      i.grantRole(SERVICE_ACCOUNT_ID, "admin");
    }
    prod.seed(Seed.midUsers(options.prodMidUsers()).groups(0).ordinaryUsers(options.prodOrdinaryUsers()));
    devSeed = dev.seed(Seed.midUsers(options.devMidUsers()).groups(options.devGroups()).midServers(options.devMidServers()));
    // Dev's groups came from prod once (same sys_ids), except the last one, which was made on dev only.
    List<String> missing = new ArrayList<>();
    for (int g = 0; g < devSeed.groupIds().size(); g++) {
      Map<String, String> group = dev.row("sys_user_group", devSeed.groupIds().get(g)).orElseThrow();
      if (g == devSeed.groupIds().size() - 1 && options.lastGroupMissingOnProd()) {
        missing.add(group.get("name"));
      } else {
        prod.put("sys_user_group", Map.of("sys_id", group.get("sys_id"), "name", group.get("name"), "active", "true"));
        for (Map<String, String> grant : dev.rows("sys_group_has_role", "group=" + group.get("sys_id"))) {
          prod.put("sys_group_has_role", Map.of("sys_id", grant.get("sys_id"), "group", grant.get("group"), "role", grant.get("role")));
        }
      }
    }
    this.prodOnlyMissingGroups = List.copyOf(missing);
    List<String> tables = new ArrayList<>();
    for (Preserver p : Preserver.midServerDefaults()) {
      if (options.prodPreserverTables().contains(p.table())) {
        prod.addPreserver(p);
        tables.add(p.table());
      }
    }
    this.prodPreservers = List.copyOf(tables);
  }

  /**
   * How the two instances start.
   *
   * @param prodPreserverTables which of the three documented MID preservers prod has, by table
   * @param lastGroupMissingOnProd dev's last MID group exists on dev only, so any clone loses it
   */
  public record Options(int devMidUsers, int devGroups, int devMidServers, int prodMidUsers, int prodOrdinaryUsers,
      List<String> prodPreserverTables, boolean lastGroupMissingOnProd, Duration midTicker) {
    public static final List<String> ALL_PRESERVERS = List.of("sys_user", "sys_user_has_role", "sys_user_grmember");

    /** 10 MID users on dev in 3 groups, 3 MID Servers, all three preservers on prod, fast MID ticker. */
    public static Options standard() {
      return new Options(10, 3, 3, 2, 20, ALL_PRESERVERS, false, Duration.ofMillis(300));
    }

    public Options preservers(String... tables) {
      return new Options(devMidUsers, devGroups, devMidServers, prodMidUsers, prodOrdinaryUsers, List.of(tables), lastGroupMissingOnProd, midTicker);
    }

    public Options lastGroupMissingOnProd(boolean missing) {
      return new Options(devMidUsers, devGroups, devMidServers, prodMidUsers, prodOrdinaryUsers, prodPreserverTables, missing, midTicker);
    }

    public Options devMidUsers(int n) {
      return new Options(n, devGroups, devMidServers, prodMidUsers, prodOrdinaryUsers, prodPreserverTables, lastGroupMissingOnProd, midTicker);
    }
  }

  public static Landscape start(Options options) {
    Simulator simulator = Simulator.builder().instances("prod", "dev").midTickerPeriod(options.midTicker()).start();
    try {
      return new Landscape(simulator, options);
    } catch (RuntimeException e) {
      simulator.close();
      throw e;
    }
  }

  public Simulator simulator() {
    return simulator;
  }

  public SimInstance prod() {
    return prod;
  }

  public SimInstance dev() {
    return dev;
  }

  public SeedResult devSeed() {
    return devSeed;
  }

  public String serviceAccountPassword() {
    return serviceAccountPassword;
  }

  /** The preservers prod has, by table. */
  public List<String> prodPreservers() {
    return prodPreservers;
  }

  /** Names of dev's MID groups that prod does not have. */
  public List<String> groupsMissingOnProd() {
    return prodOnlyMissingGroups;
  }

  /** The config files for CloneGuard guarding dev (policy {@code restore} or {@code alert-only}) and watching prod. */
  public ScenarioFiles files(java.nio.file.Path dir, String policy) {
    ScenarioFiles files = ScenarioFiles.in(dir)
        .instance(ScenarioFiles.InstanceSpec.source("prod", prod.url(), SERVICE_ACCOUNT, serviceAccountPassword))
        .instance(ScenarioFiles.InstanceSpec.target("dev", dev.url(), SERVICE_ACCOUNT, serviceAccountPassword, policy));
    files.secretScanner().secret("prod admin password", prod.adminPassword()).secret("dev admin password", dev.adminPassword());
    devSeed.midPasswords().forEach((user, pw) -> files.secretScanner().secret("MID password of " + user, pw));
    return files;
  }

  /** dev's MID Servers by status ("Up" / "Down"). */
  public Map<String, String> devMidServers() {
    Map<String, String> out = new java.util.TreeMap<>();
    for (String name : devSeed.midServerNames()) {
      out.put(name, dev.midServerStatus(name));
    }
    return out;
  }

  public long devMidServersUp() {
    return devMidServers().values().stream().filter("Up"::equals).count();
  }

  /** dev's own (seeded) MID users that exist on dev now. */
  public long devOwnMidUsersPresent() {
    return devSeed.midUserIds().stream().filter(id -> dev.row("sys_user", id).isPresent()).count();
  }

  /** MID users on dev now (users holding mid_server). */
  public int devMidUsersPresent() {
    return dev.count("sys_user", "roles=mid_server");
  }

  /**
   * Requests a clone of prod over dev the way an admin does: a clone_instance record created on
   * prod through the Table API, as the admin user. Returns the new record's sys_id.
   */
  public String requestCloneThroughTableApi() {
    String body = "{\"source_instance\":\"" + Simulator.instanceRowId("prod") + "\",\"target_instance\":\"" + Simulator.instanceRowId("dev")
        + "\",\"state\":\"Requested\",\"clone_type\":\"Full\",\"email\":\"admin@example.com\"}";
    String auth = Base64.getEncoder().encodeToString((prod.adminUser() + ":" + prod.adminPassword()).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create(prod.url() + "/api/now/table/clone_instance?sysparm_exclude_reference_link=true"))
        .header("Authorization", "Basic " + auth)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new IllegalStateException("prod refused the clone request: HTTP " + response.statusCode() + " " + response.body());
      }
      var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
      return node.path("result").path("sys_id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException("could not request the clone on prod " + prod.url(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while requesting the clone", e);
    }
  }

  static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return "Cg-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public void close() {
    simulator.close();
  }
}
