package io.cloneguard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The daemon's own meters, under the fixed names of CONTRACTS.md (Micrometer names; the Prometheus
 * registry renders {@code cloneguard.instance.up} as {@code cloneguard_instance_up}, counters with
 * {@code _total}, timers in seconds). Gauge values live in maps held here, because Micrometer
 * gauges only keep a weak reference to their state.
 */
public final class CloneGuardMetrics {
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

  public CloneGuardMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** 1 when the last request to the instance succeeded. */
  public void instanceUp(String instance, boolean up) {
    gauge("cloneguard.instance.up", "1 when the last request to the instance succeeded", Tags.of("instance", instance)).set(up ? 1 : 0);
  }

  public void pollSucceeded(String instance, Instant at) {
    seconds("cloneguard.last.poll.success.timestamp.seconds", "When a poll of the instance last succeeded", Tags.of("instance", instance), at);
  }

  /** Records a successful snapshot: duration summary and the success timestamp. */
  public void snapshotSucceeded(String instance, Instant at, Duration took) {
    Timer.builder("cloneguard.snapshot.duration")
        .description("Time to capture and store a snapshot")
        .tags("instance", instance)
        .register(registry)
        .record(took);
    seconds("cloneguard.snapshot.last.success.timestamp.seconds", "When a snapshot of the instance last succeeded", Tags.of("instance", instance), at);
  }

  /** After a restart: the newest stored snapshot is the last success, so snapshot-age alerts see no gap. */
  public void snapshotFound(String instance, Instant takenAt) {
    seconds("cloneguard.snapshot.last.success.timestamp.seconds", "When a snapshot of the instance last succeeded", Tags.of("instance", instance), takenAt);
  }

  public void cloneDetected(String instance) {
    Counter.builder("cloneguard.clone.detected").description("Clones detected (announced or by drift)").tags("instance", instance)
        .register(registry).increment();
  }

  public void workflowFailed(String instance) {
    Counter.builder("cloneguard.clone.workflow.failures").description("Clone workflows that ended FAILED").tags("instance", instance)
        .register(registry).increment();
  }

  /** Counts one workflow state change (an extra to the contract, handy for dashboards). */
  public void transition(String instance, String to) {
    Counter.builder("cloneguard.clone.transitions").description("Clone workflow state changes").tags("instance", instance, "state", to)
        .register(registry).increment();
  }

  /** Gaps per table after the last verification; 0 when none. */
  public void gaps(String instance, Map<String, Integer> perTable) {
    for (var e : perTable.entrySet()) {
      gauge("cloneguard.gaps", "Gaps found by the last verification", Tags.of("instance", instance, "table", e.getKey())).set(e.getValue());
    }
  }

  public void midUsers(String instance, long expected, long present) {
    String help = "MID Server users expected (last snapshot) and present (last poll)";
    if (expected >= 0) {
      gauge("cloneguard.mid.users", help, Tags.of("instance", instance, "kind", "expected")).set(expected);
    }
    if (present >= 0) {
      gauge("cloneguard.mid.users", help, Tags.of("instance", instance, "kind", "present")).set(present);
    }
  }

  public void restoreSucceeded(String instance, Instant at) {
    seconds("cloneguard.restore.last.success.timestamp.seconds", "When a restore of the instance last succeeded", Tags.of("instance", instance), at);
  }

  public void midServers(String instance, int up, int down) {
    gauge("cloneguard.mid.servers", "MID Servers by status at the last check", Tags.of("instance", instance, "status", "up")).set(up);
    gauge("cloneguard.mid.servers", "MID Servers by status at the last check", Tags.of("instance", instance, "status", "down")).set(down);
  }

  /** 1 while the preflight warning stands, else 0. */
  public void preflightWarning(String instance, String check, boolean warning) {
    gauge("cloneguard.preflight.warnings", "1 while a preflight check warns", Tags.of("instance", instance, "check", check)).set(warning ? 1 : 0);
  }

  /** Workflows currently in each state; every state of every instance is written, zeros included. */
  public void workflows(Map<String, Map<String, Long>> countsByInstance, List<String> states) {
    for (var e : countsByInstance.entrySet()) {
      for (String state : states) {
        gauge("cloneguard.clone.workflows", "Clone workflows per state (terminal ones of the last 24h)", Tags.of("instance", e.getKey(), "state", state))
            .set(e.getValue().getOrDefault(state, 0L));
      }
    }
  }

  /** A scheduled job threw; it will run again at its next trigger. */
  public void jobFailed(String job) {
    Counter.builder("cloneguard.job.failures").description("Scheduled job runs that ended with an error").tags("task", job)
        .register(registry).increment();
  }

  /** Current value of a gauge set through this class (tests and status), or -1. */
  public long value(String name, String... tags) {
    AtomicLong v = values.get(key(name, Tags.of(tags)));
    return v == null ? -1 : v.get();
  }

  private void seconds(String name, String help, Tags tags, Instant at) {
    AtomicLong holder = values.computeIfAbsent(key(name, tags), k -> register(name, help, tags, v -> v.get() / 1000.0));
    holder.set(at.toEpochMilli());
  }

  private AtomicLong gauge(String name, String help, Tags tags) {
    return values.computeIfAbsent(key(name, tags), k -> register(name, help, tags, AtomicLong::doubleValue));
  }

  private AtomicLong register(String name, String help, Tags tags, Function<AtomicLong, Double> fn) {
    AtomicLong holder = new AtomicLong();
    Gauge.builder(name, holder, fn::apply).description(help).tags(tags).strongReference(true).register(registry);
    return holder;
  }

  private static String key(String name, Tags tags) {
    StringBuilder sb = new StringBuilder(name);
    tags.forEach(t -> sb.append('|').append(t.getKey()).append('=').append(t.getValue()));
    return sb.toString();
  }
}
