package io.cloneguard.cli;

import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.schedule.Daemon;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the unattended service: watches clone requests, snapshots, verifies and restores.",
      "SIGTERM or SIGINT stops it gracefully (running steps finish, within schedule.stopTimeout) with exit code 0."
    })
final class DaemonCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(DaemonCommand.class);

  @ParentCommand Main main;

  @Override
  public Integer call() throws InterruptedException {
    CloneGuardConfig config = main.loadConfig();
    CountDownLatch stop = new CountDownLatch(1);
    // Handling the signals ourselves (instead of only a shutdown hook) lets the JVM exit 0, not 143, after a clean stop.
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), s -> {
          log.info("SIG{} received", name);
          stop.countDown();
        });
      } catch (IllegalArgumentException e) {
        log.debug("cannot handle SIG{} here: {}", name, e.getMessage());
      }
    }
    Daemon daemon = Daemon.start(config);
    Thread hook = new Thread(daemon::close, "cloneguard-shutdown");
    Runtime.getRuntime().addShutdownHook(hook); // other ways out (System.exit elsewhere, SIGHUP) still stop cleanly
    stop.await();
    daemon.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    return Main.OK;
  }
}
