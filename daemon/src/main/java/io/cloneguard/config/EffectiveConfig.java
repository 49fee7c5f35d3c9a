package io.cloneguard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The configuration as plain maps and lists with the file's key names, every secret as {@code ***}.
 * It is what {@code check-config} prints and what the daemon logs at start; loading it back gives
 * the same configuration (apart from the secrets).
 */
public final class EffectiveConfig {
  public static final String MASK = "***";

  private EffectiveConfig() {}

  public static Map<String, Object> of(CloneGuardConfig c) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("storage", map("dir", str(c.storage().dir()), "keyFile", str(c.storage().keyFile()), "keepPerInstance", c.storage().keepPerInstance()));
    List<Object> instances = new ArrayList<>();
    for (InstanceConfig i : c.instances()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", i.name());
      m.put("url", str(i.url()));
      m.put("auth", auth(i.auth()));
      m.put("watchCloneRequests", i.watchCloneRequests());
      m.put("guard", i.guard());
      m.put("policy", i.policy().configName());
      m.put("midRoles", i.midRoles());
      instances.add(m);
    }
    root.put("instances", instances);
    CloneRequestsConfig.Fields f = c.cloneRequests().fields();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("sourceInstance", f.sourceInstance());
    fields.put("targetInstance", f.targetInstance());
    fields.put("state", f.state());
    fields.put("scheduled", f.scheduled());
    fields.put("started", f.started());
    fields.put("completed", f.completed());
    fields.put("canceled", f.canceled());
    root.put("cloneRequests", map("table", c.cloneRequests().table(), "poll", Durations.format(c.cloneRequests().poll()), "fields", fields));
    HttpConfig h = c.http();
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("concurrency", h.concurrency());
    http.put("pageSize", h.pageSize());
    http.put("connectTimeout", Durations.format(h.connectTimeout()));
    http.put("requestTimeout", Durations.format(h.requestTimeout()));
    http.put("maxRequestsPerSecond", h.maxRequestsPerSecond() == Math.rint(h.maxRequestsPerSecond()) ? (Object) (long) h.maxRequestsPerSecond() : h.maxRequestsPerSecond());
    http.put("proxy", str(h.proxy()));
    http.put("trustStore", str(h.trustStore()));
    http.put("trustStorePassword", secret(h.trustStorePassword()));
    http.put("maxRetries", h.maxRetries());
    http.put("maxRetryAfter", Durations.format(h.maxRetryAfter()));
    root.put("http", http);
    ScheduleConfig s = c.schedule();
    Map<String, Object> schedule = new LinkedHashMap<>();
    schedule.put("baselineSnapshot", s.baselineSnapshot());
    schedule.put("settleAfterClone", Durations.format(s.settleAfterClone()));
    schedule.put("settlePolls", s.settlePolls());
    schedule.put("midUpTimeout", Durations.format(s.midUpTimeout()));
    schedule.put("midCheckInterval", Durations.format(s.midCheckInterval()));
    schedule.put("stopTimeout", Durations.format(s.stopTimeout()));
    root.put("schedule", schedule);
    SchedulerConfig q = c.scheduler();
    Map<String, Object> scheduler = new LinkedHashMap<>();
    scheduler.put("store", q.store().name().toLowerCase(Locale.ROOT));
    if (q.store() == SchedulerConfig.Store.JDBC) {
      scheduler.put("url", mask(q.url()));
      scheduler.put("user", mask(q.user()));
      scheduler.put("password", secret(q.password()));
    }
    root.put("scheduler", scheduler);
    root.put("metrics", map("listen", c.metrics().listen()));
    return root;
  }

  private static Map<String, Object> auth(AuthConfig a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", a.type().name().toLowerCase(Locale.ROOT));
    if (a.type() == AuthConfig.Type.OAUTH) {
      m.put("clientId", mask(a.clientId()));
      m.put("clientSecret", secret(a.clientSecret()));
    }
    if (a.username() != null) {
      m.put("username", mask(a.username()));
      m.put("password", secret(a.password()));
    }
    return m;
  }

  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static String secret(Secret s) {
    return s == null ? null : MASK;
  }

  /** Plain values that came from a reference are registered secrets too. */
  private static String mask(String s) {
    return s == null ? null : SecretMask.mask(s);
  }

  private static String str(Object o) {
    return o == null ? null : SecretMask.mask(o.toString());
  }
}
