package io.cloneguard.schedule;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.ConfigException;
import io.cloneguard.config.InstanceConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import javax.sql.DataSource;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the clustered JDBC-store Quartz scheduler and keeps its jobs in line with the
 * configuration.
 *
 * <p>Misfire policies (a trigger is "misfired" when it is later than the misfire threshold, e.g.
 * after the daemon was stopped): the poll triggers (watch, guard) and housekeeping skip the missed
 * runs and continue at the next regular time ({@code NextWithRemainingCount}): running ten missed
 * polls in a row tells nothing new. The baseline cron trigger fires once at once and then keeps its
 * schedule ({@code FireAndProceed}): a missed daily baseline is worth taking late, but only once.
 */
final class QuartzSetup {
  private static final Logger log = LoggerFactory.getLogger(QuartzSetup.class);
  static final String SCHEDULER_NAME = "CloneGuard";
  static final String GROUP = "cloneguard";

  private QuartzSetup() {}

  /** A Quartz ConnectionProvider over the daemon's Hikari pool; the daemon closes the pool itself. */
  private record PoolProvider(DataSource ds) implements ConnectionProvider {
    @Override
    public Connection getConnection() throws SQLException {
      return ds.getConnection();
    }

    @Override
    public void shutdown() {}

    @Override
    public void initialize() {}
  }

  static synchronized Scheduler create(Database db, DaemonRuntime rt, int threads, DaemonOptions options) throws SchedulerException {
    // Connection providers are registered in a JVM-wide map by name: a unique name lets two daemons share a JVM (tests, demo).
    String dsName = "cloneguard-" + UUID.randomUUID();
    DBConnectionManager.getInstance().addConnectionProvider(dsName, new PoolProvider(db.dataSource()));
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
    p.setProperty("org.quartz.scheduler.instanceId", nodeId(options, db));
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
    p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", String.valueOf(threads));
    p.setProperty("org.quartz.scheduler.idleWaitTime", "5000");
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
    p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    p.setProperty("org.quartz.threadPool.threadNamePrefix", "cloneguard-job");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    p.setProperty("org.quartz.jobStore.driverDelegateClass", db.dialect().quartzDelegate);
    p.setProperty("org.quartz.jobStore.dataSource", dsName);
    p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    p.setProperty("org.quartz.jobStore.useProperties", "true");
    p.setProperty("org.quartz.jobStore.isClustered", "true");
    p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(options.clusterCheckin().toMillis()));
    p.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(options.misfireThreshold().toMillis()));
    StdSchedulerFactory factory = new StdSchedulerFactory(p);
    Scheduler scheduler = factory.getScheduler();
    // Quartz keeps schedulers in a JVM-wide repository by name, and clustering needs the same name on
    // every node. Unbinding lets a second daemon in the same JVM create its own scheduler.
    SchedulerRepository.getInstance().remove(SCHEDULER_NAME);
    scheduler.setJobFactory((bundle, s) -> newJob(bundle.getJobDetail().getJobClass(), rt));
    return scheduler;
  }

  /**
   * A node id that stays the same across restarts of one daemon: Quartz then recovers the previous
   * run's in-flight triggers at once, instead of waiting out the cluster failure grace period (7.5 s
   * plus check-in) as it must for a node it does not know.
   */
  static String nodeId(DaemonOptions options, Database db) {
    if (!"AUTO".equals(options.nodeId())) {
      return options.nodeId();
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    String where = db.description();
    return host + "-" + Integer.toHexString(where.hashCode() & 0xffff);
  }

  private static Job newJob(Class<? extends Job> type, DaemonRuntime rt) throws SchedulerException {
    if (type == Jobs.WatchJob.class) {
      return new Jobs.WatchJob(rt);
    }
    if (type == Jobs.GuardJob.class) {
      return new Jobs.GuardJob(rt);
    }
    if (type == Jobs.BaselineJob.class) {
      return new Jobs.BaselineJob(rt);
    }
    if (type == Jobs.HousekeepingJob.class) {
      return new Jobs.HousekeepingJob(rt);
    }
    throw new SchedulerException("unknown job class " + type.getName() + " in the job store");
  }

  static void validate(CloneGuardConfig config) {
    String cron = config.schedule().baselineSnapshot();
    if (cron == null || !CronExpression.isValidExpression(cron)) {
      throw new ConfigException("schedule.baselineSnapshot: not a Quartz cron expression (got '" + cron
          + "'; six or seven fields, e.g. '0 0 2 * * ?' for 02:00 daily)");
    }
    Duration poll = config.cloneRequests().poll();
    if (poll == null || poll.isZero() || poll.isNegative()) {
      throw new ConfigException("cloneRequests.poll: must be a positive duration (got " + poll + ")");
    }
  }

  /** Adds missing jobs, re-times changed ones and removes jobs of instances no longer configured. */
  static void syncJobs(Scheduler scheduler, CloneGuardConfig config, DaemonOptions options) throws SchedulerException {
    Duration poll = config.cloneRequests().poll();
    List<JobDetail> jobs = new ArrayList<>();
    List<Trigger> triggers = new ArrayList<>();
    for (InstanceConfig i : config.watched()) {
      add(jobs, triggers, Jobs.WatchJob.class, "watch:" + i.name(), i.name(), every(poll));
    }
    for (InstanceConfig i : config.guarded()) {
      add(jobs, triggers, Jobs.GuardJob.class, "guard:" + i.name(), i.name(), every(poll));
      add(jobs, triggers, Jobs.BaselineJob.class, "baseline:" + i.name(), i.name(),
          CronScheduleBuilder.cronSchedule(config.schedule().baselineSnapshot()).inTimeZone(TimeZone.getDefault())
              .withMisfireHandlingInstructionFireAndProceed());
    }
    add(jobs, triggers, Jobs.HousekeepingJob.class, "housekeeping", null, every(options.housekeeping()));

    Set<JobKey> wanted = new HashSet<>();
    for (int k = 0; k < jobs.size(); k++) {
      JobDetail job = jobs.get(k);
      Trigger trigger = triggers.get(k);
      wanted.add(job.getKey());
      Trigger existing = scheduler.getTrigger(trigger.getKey());
      if (existing == null) {
        try {
          scheduler.scheduleJob(job, Set.of(trigger), true);
        } catch (ObjectAlreadyExistsException e) {
          log.debug("{} was scheduled by another daemon meanwhile", job.getKey());
        }
      } else if (!sameTiming(existing, trigger)) {
        log.info("Re-timing {} to match the configuration", job.getKey());
        scheduler.rescheduleJob(trigger.getKey(), trigger);
      }
    }
    for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
      if (!wanted.contains(key)) {
        log.info("Removing {}: its instance is no longer configured", key);
        scheduler.deleteJob(key);
      }
    }
  }

  static JobKey baselineKey(String instance) {
    return JobKey.jobKey("baseline:" + instance, GROUP);
  }

  private static SimpleScheduleBuilder every(Duration d) {
    return SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(d.toMillis()).repeatForever()
        .withMisfireHandlingInstructionNextWithRemainingCount();
  }

  private static void add(List<JobDetail> jobs, List<Trigger> triggers, Class<? extends Job> type, String name, String instance,
      org.quartz.ScheduleBuilder<? extends Trigger> schedule) {
    JobBuilder jb = JobBuilder.newJob(type).withIdentity(name, GROUP).storeDurably().requestRecovery(true);
    if (instance != null) {
      jb.usingJobData(SafeJob.INSTANCE, instance);
    }
    jobs.add(jb.build());
    triggers.add(TriggerBuilder.newTrigger().withIdentity(TriggerKey.triggerKey(name, GROUP)).forJob(name, GROUP).withSchedule(schedule)
        .startNow().build());
  }

  private static boolean sameTiming(Trigger a, Trigger b) {
    if (a instanceof SimpleTrigger sa && b instanceof SimpleTrigger sb) {
      return sa.getRepeatInterval() == sb.getRepeatInterval();
    }
    if (a instanceof CronTrigger ca && b instanceof CronTrigger cb) {
      return ca.getCronExpression().equals(cb.getCronExpression());
    }
    return false;
  }
}
