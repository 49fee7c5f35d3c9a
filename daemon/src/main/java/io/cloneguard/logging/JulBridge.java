package io.cloneguard.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends java.util.logging records (Tink and some JDK parts log there) to SLF4J, so that they are
 * masked and formatted like every other line instead of going to stderr on their own.
 */
final class JulBridge extends Handler {
  private JulBridge() {}

  /** Replaces the handlers of the JUL root logger with this bridge. */
  static void install(boolean verbose) {
    java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    root.addHandler(new JulBridge());
    root.setLevel(verbose ? Level.FINE : Level.INFO);
  }

  @Override
  public void publish(LogRecord r) {
    if (r == null) {
      return;
    }
    Logger log = LoggerFactory.getLogger(r.getLoggerName() == null ? "jul" : r.getLoggerName());
    String message = formatted(r);
    int level = r.getLevel().intValue();
    if (level >= Level.SEVERE.intValue()) {
      log.error(message, r.getThrown());
    } else if (level >= Level.WARNING.intValue()) {
      log.warn(message, r.getThrown());
    } else if (level >= Level.INFO.intValue()) {
      log.info(message, r.getThrown());
    } else if (level >= Level.FINE.intValue()) {
      log.debug(message, r.getThrown());
    } else {
      log.trace(message, r.getThrown());
    }
  }

  private static String formatted(LogRecord r) {
    String message = r.getMessage();
    Object[] params = r.getParameters();
    if (message == null || params == null || params.length == 0) {
      return message;
    }
    try {
      return java.text.MessageFormat.format(message, params);
    } catch (IllegalArgumentException e) {
      return message;
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
