package io.cloneguard.servicenow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HttpClient's {@code headers} and {@code wire} loggers print the Authorization header and request
 * bodies (passwords set with setPassword) at DEBUG. Secrets must never reach a log, whatever the
 * logging configuration says, so those two loggers are capped at INFO when Logback is in use.
 */
final class WireLogGuard {
  private static final Logger LOG = LoggerFactory.getLogger(WireLogGuard.class);
  private static final String[] LOGGERS = {"org.apache.hc.client5.http.headers", "org.apache.hc.client5.http.wire"};

  private WireLogGuard() {}

  static void apply() {
    for (String name : LOGGERS) {
      Logger logger = LoggerFactory.getLogger(name);
      if (logger.isDebugEnabled() && logger instanceof ch.qos.logback.classic.Logger logback) {
        logback.setLevel(ch.qos.logback.classic.Level.INFO);
        LOG.warn("Logger {} was at DEBUG, which would log credentials; capped at INFO", name);
      }
    }
  }
}
