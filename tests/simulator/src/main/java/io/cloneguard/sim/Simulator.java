package io.cloneguard.sim;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of simulated ServiceNow instances that know each other (each holds {@code instance} rows
 * for all of them, so clone requests can reference source and target) and can clone over one
 * another. Close it to stop every server and thread.
 */
public final class Simulator implements Closeable {
  private final Map<String, SimInstance> instances = new LinkedHashMap<>();
  private final Clock clock;
  private final CloneEngine clones;

  private Simulator(Builder b) {
    this.clock = b.clock;
    this.clones = new CloneEngine(this);
    try {
      int port = b.basePort;
      for (String name : b.names) {
        instances.put(name, new SimInstance(name, this, clock, port, b.midTickerPeriod));
        if (port != 0) {
          port++;
        }
      }
      for (SimInstance target : instances.values()) {
        for (SimInstance described : instances.values()) {
          Map<String, String> row = new LinkedHashMap<>();
          row.put("sys_id", instanceRowId(described.name()));
          row.put("instance_name", described.name());
          row.put("instance_url", described.url().toString());
          row.put("instance_id", BaseData.stableId("instance_id:" + described.name()));
          row.put("source", String.valueOf(described == target));
          target.put("instance", row);
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts instances with these names on ephemeral ports. */
  public static Simulator start(String... names) {
    return builder().instances(names).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The sys_id of the {@code instance} row describing {@code name}, the same on every instance. */
  public static String instanceRowId(String name) {
    return BaseData.stableId("instance:" + name);
  }

  public SimInstance instance(String name) {
    SimInstance i = instances.get(name);
    if (i == null) {
      throw new IllegalArgumentException("simulator has no instance named " + name + "; it has " + instances.keySet());
    }
    return i;
  }

  public List<SimInstance> instances() {
    return new ArrayList<>(instances.values());
  }

  Clock clock() {
    return clock;
  }

  /** Starts a clone of {@code source} over {@code target} as if an admin had requested it on the source. */
  public CloneHandle clone(String source, String target, CloneOptions options) {
    return clones.start(instance(source), instance(target), options);
  }

  /** Copies source over target at once with no clone request anywhere (the clone CloneGuard never saw coming). */
  public void applyUnannouncedClone(String source, String target) {
    clones.applyNow(instance(source), instance(target), CloneOptions.defaults());
  }

  /** Options for clones requested through the Table API (a clone_instance row POSTed on a source); default {@link CloneOptions#defaults()}. */
  public void setCloneDefaults(CloneOptions options) {
    clones.apiDefaults(options);
  }

  /** Clones started so far, newest last. */
  public List<CloneHandle> clones() {
    return clones.all();
  }

  void cloneRequested(SimInstance source, Map<String, String> row) {
    clones.requested(source, row);
  }

  @Override
  public void close() {
    clones.close();
    for (SimInstance i : instances.values()) {
      i.close();
    }
  }

  /** Options for starting a simulator. */
  public static final class Builder {
    private final List<String> names = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private int basePort;
    private Duration midTickerPeriod = Duration.ofSeconds(2);

    private Builder() {}

    public Builder instances(String... names) {
      for (String n : names) {
        if (n == null || !n.matches("[a-z0-9][a-z0-9_-]*")) {
          throw new IllegalArgumentException("instance name '" + n + "' must be lower-case letters, digits, '-' or '_'");
        }
        if (this.names.contains(n)) {
          throw new IllegalArgumentException("instance name '" + n + "' is given twice");
        }
        this.names.add(n);
      }
      return this;
    }

    /** Clock for timestamps, token expiry and "401 for a while" (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** 0 (default): each instance on an ephemeral port; otherwise instance k listens on basePort + k. */
    public Builder basePort(int basePort) {
      if (basePort < 0 || basePort > 65535) {
        throw new IllegalArgumentException("basePort must be 0..65535, got " + basePort);
      }
      this.basePort = basePort;
      return this;
    }

    public Builder midTickerPeriod(Duration period) {
      this.midTickerPeriod = period;
      return this;
    }

    public Simulator start() {
      if (names.isEmpty()) {
        throw new IllegalArgumentException("simulator needs at least one instance name");
      }
      return new Simulator(this);
    }
  }
}
