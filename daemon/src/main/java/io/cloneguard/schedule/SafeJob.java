package io.cloneguard.schedule;

import io.cloneguard.config.SecretMask;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every CloneGuard job. Nothing escapes {@link #execute}: an exception is logged (masked),
 * counted in {@code cloneguard_job_failures_total{job}} and the job simply runs again at its next
 * trigger, instead of Quartz marking the trigger as errored.
 */
abstract class SafeJob implements Job {
  private static final Logger log = LoggerFactory.getLogger(SafeJob.class);
  static final String INSTANCE = "instance";

  final DaemonRuntime rt;

  SafeJob(DaemonRuntime rt) {
    this.rt = rt;
  }

  /** Short name for logs and the failure counter: watch, guard, baseline, housekeeping. */
  abstract String kind();

  abstract void run(String instance) throws Exception;

  @Override
  public final void execute(JobExecutionContext context) {
    if (rt.stopping()) {
      return;
    }
    String instance = context.getMergedJobDataMap().getString(INSTANCE);
    String what = instance == null ? kind() : kind() + " " + instance;
    try {
      run(instance);
      if (rt.lastFailures().remove(what) != null) {
        log.info("{} works again", what);
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      rt.metrics().jobFailed(kind());
      String message = SecretMask.mask(String.valueOf(t.getMessage()));
      // The same failure every poll would flood the log: say it once, then again only when it changes.
      if (!message.equals(rt.lastFailures().put(what, message))) {
        log.error("{} failed, will retry at every trigger (logged again only if the error changes): {}", what, message);
      } else {
        log.debug("{} still failing: {}", what, message);
      }
      log.debug("{} failure detail", what, t);
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
