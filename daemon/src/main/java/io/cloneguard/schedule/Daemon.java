package io.cloneguard.schedule;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.ConfigException;
import io.cloneguard.config.InstanceConfig;
import io.cloneguard.config.SecretMask;
import io.cloneguard.metrics.CloneGuardMetrics;
import io.cloneguard.metrics.MetricsRegistries;
import io.cloneguard.metrics.MetricsServer;
import io.cloneguard.servicenow.ServiceNowClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unattended service, startable in-process: {@code try (Daemon d = Daemon.start(config)) {...}}.
 * Opens the job/workflow database, starts the metrics listener, resumes unfinished workflows,
 * runs preflight in the background and starts the clustered Quartz scheduler. {@link #close()} is
 * the graceful stop: no new job starts, the running ones finish their step, within
 * {@code schedule.stopTimeout}.
 */
public final class Daemon implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  /** Builds the client of one instance (the daemon closes it). */
  @FunctionalInterface
  public interface ClientFactory {
    ServiceNowClient create(InstanceConfig instance, CloneGuardConfig config, io.micrometer.core.instrument.MeterRegistry registry);
  }

  /** Builds the snapshot/restore operations over the daemon's clients. */
  @FunctionalInterface
  public interface OperationsFactory {
    GuardOperations create(CloneGuardConfig config, Map<String, ServiceNowClient> clients, io.micrometer.core.instrument.MeterRegistry registry,
        AuditSink audit, DaemonOptions options);
  }

  private final CloneGuardConfig config;
  private final DaemonOptions options;
  private final PrometheusMeterRegistry registry;
  private final Database db;
  private final WorkflowStore store;
  private final Map<String, ServiceNowClient> clients;
  private final DaemonRuntime rt;
  private final GuardOperations ops;
  private final AuditSink audit;
  private final Map<String, List<String>> preflightWarnings = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private Scheduler scheduler;
  private MetricsServer server;
  private String node;
  private Thread preflightThread;

  private Daemon(CloneGuardConfig config, DaemonOptions options, PrometheusMeterRegistry registry, Database db,
      Map<String, ServiceNowClient> clients, GuardOperations ops, AuditSink audit) {
    this.config = config;
    this.options = options;
    this.registry = registry;
    this.db = db;
    this.store = new WorkflowStore(db.dataSource());
    this.clients = clients;
    this.ops = ops;
    this.audit = audit;
    this.node = options.nodeId();
    this.rt = new DaemonRuntime(config, options, store, ops, clients, new CloneGuardMetrics(registry), audit, options.nodeId());
  }

  /** Starts a daemon with production timings. */
  public static Daemon start(CloneGuardConfig config) {
    return start(config, DaemonOptions.defaults());
  }

  public static Daemon start(CloneGuardConfig config, DaemonOptions options) {
    return start(config, options, Daemon::defaultClient, LiveOperations::create);
  }

  /** Starts a daemon whose ServiceNow clients come from {@code clientFactory} (e.g. fast retries for a demo). */
  public static Daemon start(CloneGuardConfig config, DaemonOptions options, ClientFactory clientFactory) {
    return start(config, options, clientFactory, LiveOperations::create);
  }

  static ServiceNowClient defaultClient(InstanceConfig instance, CloneGuardConfig config, io.micrometer.core.instrument.MeterRegistry registry) {
    return io.cloneguard.servicenow.ServiceNowClients.create(instance, config.http(), registry);
  }

  /** Starts a daemon with the given client and operations factories (tests, benchmarks). */
  public static Daemon start(CloneGuardConfig config, DaemonOptions options, ClientFactory clientFactory, OperationsFactory opsFactory) {
    if (config.instances().isEmpty()) {
      throw new ConfigException("instances: at least one instance is needed");
    }
    if (config.guarded().isEmpty()) {
      log.warn("No instance has guard: true; the daemon will only watch clone requests");
    }
    QuartzSetup.validate(config);
    PrometheusMeterRegistry registry = MetricsRegistries.create(version(), commit());
    int threads = options.threads() > 0 ? options.threads()
        : Math.max(3, Math.min(10, config.guarded().size() + config.watched().size() + 2));
    Database db = Database.open(config, threads + 3);
    Map<String, ServiceNowClient> clients = new LinkedHashMap<>();
    Daemon d = null;
    try {
      for (InstanceConfig i : config.instances()) {
        clients.put(i.name(), clientFactory.create(i, config, registry));
      }
      AuditSink audit = LiveOperations.auditSink(config);
      GuardOperations ops = opsFactory.create(config, clients, registry, audit, options);
      d = new Daemon(config, options, registry, db, clients, ops, audit);
      d.begin(threads);
      return d;
    } catch (RuntimeException | SchedulerException e) {
      if (d != null) {
        d.close();
      } else {
        clients.values().forEach(ServiceNowClient::close);
        db.close();
        registry.close();
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new SchedulerStoreException("cannot start the scheduler on the " + db.description() + ": " + SecretMask.mask(e.getMessage()), e);
    }
  }

  private void begin(int threads) throws SchedulerException {
    log.info("CloneGuard {} starting: {} instances ({} guarded, {} watched), job store: {}, poll {}", version(), config.instances().size(),
        config.guarded().size(), config.watched().size(), db.description(), config.cloneRequests().poll());
    server = MetricsServer.start(config.metrics() == null ? null : config.metrics().listen(), registry, this::healthProblems,
        this::readinessProblems, this::status);
    scheduler = QuartzSetup.create(db, rt, threads, options);
    node = scheduler.getSchedulerInstanceId();
    recover();
    rt.refreshWorkflowGauges();
    QuartzSetup.syncJobs(scheduler, config, options);
    scheduler.start();
    for (InstanceConfig g : config.guarded()) {
      Optional<GuardOperations.SnapshotRef> last = latestSnapshot(g.name());
      if (last.isPresent()) {
        rt.metrics().snapshotFound(g.name(), last.get().takenAt());
      } else {
        log.info("{}: no snapshot stored yet; taking a baseline now", g.name());
        scheduler.triggerJob(QuartzSetup.baselineKey(g.name()));
      }
    }
    preflightThread = new Thread(this::runPreflight, "cloneguard-preflight");
    preflightThread.setDaemon(true);
    preflightThread.start();
    log.info("CloneGuard is running as node {}; metrics on port {}", node, server.port());
  }

  /** Logs and audits every unfinished workflow; the guard jobs carry each on from its persisted state. */
  private void recover() {
    for (Workflow w : store.unfinished(null)) {
      boolean known = config.instance(w.target()).map(InstanceConfig::guard).orElse(false);
      if (known) {
        log.info("{}: resuming workflow {} in {} (since {})", w.target(), w.id(), w.state(), w.stateSince());
      } else {
        log.warn("{}: workflow {} is {} but {} is no longer a guarded instance; it stays as it is", w.target(), w.id(), w.state(), w.target());
      }
    }
  }

  private void runPreflight() {
    try {
      Preflight preflight = new Preflight(config, clients::get, rt.metrics(), options.clock());
      for (Preflight.Report r : preflight.run(config.instances())) {
        preflightWarnings.put(r.instance(), r.warnings());
      }
    } catch (RuntimeException e) {
      log.warn("preflight at start failed: {}", SecretMask.mask(String.valueOf(e.getMessage())));
    }
  }

  private Optional<GuardOperations.SnapshotRef> latestSnapshot(String instance) {
    try {
      return ops.latestSnapshot(instance);
    } catch (RuntimeException e) {
      log.warn("{}: cannot list snapshots: {}", instance, SecretMask.mask(String.valueOf(e.getMessage())));
      return Optional.empty();
    }
  }

  private List<String> healthProblems() {
    List<String> problems = new ArrayList<>();
    try {
      if (closed.get() || rt.stopping()) {
        problems.add("stopping");
      } else if (scheduler == null || !scheduler.isStarted() || scheduler.isShutdown() || scheduler.isInStandbyMode()) {
        problems.add("scheduler not running");
      }
    } catch (SchedulerException e) {
      problems.add("scheduler: " + e.getMessage());
    }
    return problems;
  }

  private List<String> readinessProblems() {
    List<String> problems = new ArrayList<>(healthProblems());
    try (Connection c = db.dataSource().getConnection()) {
      if (!c.isValid(2)) {
        problems.add("workflow database not answering");
      }
    } catch (Exception e) {
      problems.add("workflow database: " + e.getMessage());
    }
    boolean anyPoll = config.instances().stream().anyMatch(i -> rt.guard().pollState(i.name()).map(p -> p.lastSuccess() != null).orElse(false));
    if (!anyPoll) {
      problems.add("no successful poll of any instance yet");
    }
    return problems;
  }

  /** The {@code /status} document. */
  public StatusReport status() {
    CloneGuardMetrics m = rt.metrics();
    return StatusReport.build(config, store, this::latestSnapshot, name -> {
      var p = rt.guard().pollState(name);
      long up = m.value("cloneguard.mid.servers", "instance", name, "status", "up");
      long down = m.value("cloneguard.mid.servers", "instance", name, "status", "down");
      return new StatusReport.Live(p.map(InstanceGuard.PollState::up).orElse(null), p.map(InstanceGuard.PollState::lastSuccess).orElse(null),
          p.map(InstanceGuard.PollState::problem).orElse(null), p.map(InstanceGuard.PollState::present).filter(v -> v >= 0).orElse(null),
          p.map(InstanceGuard.PollState::expected).filter(v -> v >= 0).orElse(null), up < 0 ? null : (int) up, down < 0 ? null : (int) down);
    }, preflightWarnings, version(), "daemon " + node, options.clock().instant());
  }

  public int metricsPort() {
    return server.port();
  }

  /** The Quartz instance id of this daemon (unique among daemons sharing a database). */
  public String nodeId() {
    return node;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The workflow database (read-only use: tests, status). */
  public WorkflowStore workflows() {
    return store;
  }

  /** Preflight warnings found at start, per instance (empty until the background run finished). */
  public Map<String, List<String>> preflightWarnings() {
    return Map.copyOf(preflightWarnings);
  }

  /** Graceful stop, bounded by {@code schedule.stopTimeout}; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Duration timeout = config.schedule().stopTimeout() == null ? Duration.ofSeconds(30) : config.schedule().stopTimeout();
    log.info("CloneGuard stopping (up to {})", timeout);
    rt.stop();
    if (scheduler != null) {
      Thread stopper = new Thread(() -> {
        try {
          scheduler.standby();
          scheduler.shutdown(true); // waits for running jobs: each finishes its current step
        } catch (SchedulerException e) {
          log.warn("scheduler shutdown: {}", e.getMessage());
        }
      }, "cloneguard-stop");
      stopper.start();
      try {
        stopper.join(Math.max(1, timeout.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (stopper.isAlive()) {
        log.warn("jobs still running after {}; their workflows resume from the last persisted state at the next start", timeout);
      }
    }
    if (preflightThread != null) {
      preflightThread.interrupt();
    }
    if (server != null) {
      server.close();
    }
    for (ServiceNowClient c : clients.values()) {
      try {
        c.close();
      } catch (RuntimeException e) {
        log.debug("closing client {}: {}", c.instance(), e.getMessage());
      }
    }
    db.close();
    audit.close();
    registry.close();
    log.info("CloneGuard stopped");
  }

  static String version() {
    return versionProps().getProperty("version", "dev");
  }

  static String commit() {
    String c = versionProps().getProperty("commit", "");
    return c.isEmpty() || c.startsWith("${") ? "unknown" : c;
  }

  private static Properties versionProps() {
    Properties p = new Properties();
    try (InputStream in = Daemon.class.getResourceAsStream("/cloneguard-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException ignored) {
      // version stays "dev"
    }
    return p;
  }
}
