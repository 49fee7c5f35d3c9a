package io.cloneguard.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Control endpoints under {@code /sim/} (never under /api/, never logged, never faulted, no auth:
 * the simulator listens on loopback only). Parameters are query parameters; answers are JSON.
 * <pre>
 * GET    /sim/                      this instance: name, url, admin user
 * POST   /sim/seed?mid_users=N&amp;groups=G&amp;ordinary_users=M&amp;mid_servers=K
 * POST   /sim/clone?target=dev[&amp;outcome=COMPLETED|CANCELED|ERROR|HOLD|ROLLED_BACK][&amp;phase_ms=300][&amp;legacy=true]
 * POST   /sim/unannounced-clone?target=dev
 * GET    /sim/clones                clones started from this instance, with their states
 * POST   /sim/faults?kind=fail&amp;status=503&amp;count=3[&amp;table=sys_user]   (also latency ms jitter_ms, rate_limit rps retry_after,
 *                                   rate_limit_next count retry_after, reset count, html count, slow count ms, unauthorized ms)
 * DELETE /sim/faults                clear all faults
 * GET    /sim/log                   request counts; DELETE /sim/log clears it
 * GET    /sim/mid                   MID Server statuses; POST /sim/mid?name=&amp;user=&amp;password= adds one; POST /sim/mid/tick
 * POST   /sim/preservers/mid        adds the three MID Server preservers; DELETE /sim/preservers?table=sys_user removes one
 * </pre>
 */
final class Control {
  private final SimInstance instance;

  Control(SimInstance instance) {
    this.instance = instance;
  }

  Response handle(String method, String path, Params p, byte[] body) {
    try {
      String route = method + " " + (path.endsWith("/") && path.length() > 5 ? path.substring(0, path.length() - 1) : path);
      return switch (route) {
        case "GET /sim", "GET /sim/" -> describe();
        case "POST /sim/seed" -> seed(p);
        case "POST /sim/clone" -> clone(p);
        case "POST /sim/unannounced-clone" -> {
          instance.simulator().applyUnannouncedClone(instance.name(), required(p, "target"));
          yield ok("unannounced clone of " + instance.name() + " over " + p.get("target") + " applied");
        }
        case "GET /sim/clones" -> clones();
        case "POST /sim/faults" -> fault(p);
        case "DELETE /sim/faults" -> {
          instance.faults().clear();
          yield ok("faults cleared");
        }
        case "GET /sim/log" -> log();
        case "DELETE /sim/log" -> {
          instance.requestLog().clear();
          yield ok("request log cleared");
        }
        case "GET /sim/mid" -> mids();
        case "POST /sim/mid" -> {
          instance.addMidServer(required(p, "name"), required(p, "user"), required(p, "password"));
          yield mids();
        }
        case "POST /sim/mid/tick" -> {
          instance.tickMidServers();
          yield mids();
        }
        case "POST /sim/preservers/mid" -> {
          instance.addMidPreservers();
          yield ok("the three MID Server preservers were added to " + instance.name());
        }
        case "DELETE /sim/preservers" -> ok(instance.removePreserver(required(p, "table")) + " preserver(s) removed");
        default -> Response.error(404, "Unknown control endpoint", route + "; see GET /sim/ for the list");
      };
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Response.error(400, "Bad control request", e.getMessage());
    } catch (ApiError e) {
      return Response.of(e);
    }
  }

  private Response describe() {
    return json(g -> {
      g.writeStringField("name", instance.name());
      g.writeStringField("url", instance.url().toString());
      g.writeStringField("admin_user", instance.adminUser());
      g.writeArrayFieldStart("endpoints");
      for (String e : List.of("POST /sim/seed", "POST /sim/clone", "POST /sim/unannounced-clone", "GET /sim/clones", "POST /sim/faults",
          "DELETE /sim/faults", "GET /sim/log", "DELETE /sim/log", "GET /sim/mid", "POST /sim/mid", "POST /sim/mid/tick",
          "POST /sim/preservers/mid", "DELETE /sim/preservers")) {
        g.writeString(e);
      }
      g.writeEndArray();
    });
  }

  private Response seed(Params p) {
    Seed seed = Seed.midUsers(p.integer("mid_users", 0)).groups(p.integer("groups", p.integer("mid_users", 0) > 0 ? 1 : 0))
        .ordinaryUsers(p.integer("ordinary_users", 0)).midServers(p.integer("mid_servers", 0));
    SeedResult r = instance.seed(seed);
    return json(g -> {
      g.writeObjectFieldStart("mid_users");
      for (String name : r.midUserNames()) {
        g.writeStringField(name, r.passwordOf(name));
      }
      g.writeEndObject();
      g.writeNumberField("groups", r.groupIds().size());
      g.writeNumberField("ordinary_users", r.ordinaryUserIds().size());
      g.writeArrayFieldStart("mid_servers");
      for (String m : r.midServerNames()) {
        g.writeString(m);
      }
      g.writeEndArray();
    });
  }

  private Response clone(Params p) {
    CloneOptions o = CloneOptions.defaults();
    if (p.get("phase_ms") != null) {
      o = o.phaseDuration(Duration.ofMillis(p.integer("phase_ms", 2000)));
    }
    if (p.get("outcome") != null) {
      o = o.outcome(CloneOutcome.valueOf(p.get("outcome").toUpperCase(Locale.ROOT)));
    }
    o = o.legacyFallback(p.flag("legacy"));
    CloneHandle c = instance.simulator().clone(instance.name(), required(p, "target"), o);
    return json(g -> {
      g.writeStringField("request_sys_id", c.requestSysId());
      g.writeStringField("state", c.state());
    });
  }

  private Response clones() {
    return json(g -> {
      g.writeArrayFieldStart("clones");
      for (CloneHandle c : instance.simulator().clones()) {
        if (c.source() == instance) {
          g.writeStartObject();
          g.writeStringField("target", c.target().name());
          g.writeStringField("request_sys_id", c.requestSysId());
          g.writeStringField("state", c.state());
          g.writeStringField("message", c.message());
          g.writeEndObject();
        }
      }
      g.writeEndArray();
    });
  }

  private Response fault(Params p) {
    Faults f = instance.faults();
    String table = p.get("table");
    int count = p.integer("count", 1);
    String kind = required(p, "kind");
    switch (kind) {
      case "latency" -> {
        Duration fixed = Duration.ofMillis(p.integer("ms", 0));
        Duration jitter = Duration.ofMillis(p.integer("jitter_ms", 0));
        if (table == null) {
          f.latency(fixed, jitter);
        } else {
          f.latency(table, fixed, jitter);
        }
      }
      case "fail" -> {
        int status = p.integer("status", 500);
        if (table == null) {
          f.failNext(status, count);
        } else {
          f.failNext(table, status, count);
        }
      }
      case "rate_limit" -> f.rateLimit(p.integer("rps", 10), p.integer("retry_after", 1));
      case "rate_limit_next" -> f.rateLimitNext(table == null ? "*" : table, count, p.integer("retry_after", 1));
      case "reset" -> f.resetNext(table == null ? "*" : table, count);
      case "html" -> f.htmlNext(table == null ? "*" : table, count);
      case "slow" -> f.slowBodyNext(table == null ? "*" : table, count, Duration.ofMillis(p.integer("ms", 1000)));
      case "unauthorized" -> f.unauthorizedFor(Duration.ofMillis(p.integer("ms", 1000)));
      default -> throw new IllegalArgumentException("unknown fault kind '" + kind
          + "'; use latency, fail, rate_limit, rate_limit_next, reset, html, slow or unauthorized");
    }
    return ok("fault " + kind + " set on " + instance.name() + (table == null ? "" : " for table " + table));
  }

  private Response log() {
    RequestLog log = instance.requestLog();
    return json(g -> {
      g.writeNumberField("total", log.total());
      g.writeNumberField("writes", log.writes());
      g.writeObjectFieldStart("per_endpoint");
      for (Map.Entry<String, Long> e : log.perEndpoint().entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    });
  }

  private Response mids() {
    return json(g -> {
      g.writeObjectFieldStart("mid_servers");
      for (Map<String, String> row : instance.rows("ecc_agent", "ORDERBYname")) {
        g.writeStringField(row.get("name"), row.get("status"));
      }
      g.writeEndObject();
    });
  }

  private static String required(Params p, String name) {
    String v = p.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("parameter '" + name + "' is required");
    }
    return v;
  }

  private static Response ok(String message) {
    return json(g -> g.writeStringField("message", message));
  }

  interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static Response json(Fields fields) {
    return Response.json(200, Renderer.write(g -> {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    }));
  }
}
