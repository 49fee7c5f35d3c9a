package io.cloneguard.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback for one run of the command line: text or JSON, INFO or (with -v) DEBUG, to
 * stderr so that stdout carries only command output. Replaces whatever logback.xml set up.
 */
public final class LogSetup {
  /**
   * Libraries whose DEBUG output is noise or dangerous: HttpClient's wire and header logs would
   * print the Authorization header (base64, which masking cannot recognise), so they stay at INFO.
   */
  private static final String[] QUIET = {"org.apache.hc", "org.quartz", "com.zaxxer.hikari", "org.h2", "com.google.crypto.tink", "io.micrometer"};

  private LogSetup() {}

  /** Logs to the process's stderr, as it is when this is called. */
  public static void configure(LogFormat format, boolean verbose) {
    configure(format, verbose, System.err);
  }

  /** Logs to {@code out} (tests pass a buffer). */
  public static void configure(LogFormat format, boolean verbose, OutputStream out) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();

    Layout<ILoggingEvent> layout = format == LogFormat.json ? new JsonLayout() : new MaskingPatternLayout();
    layout.setContext(context);
    layout.start();

    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.start();

    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setName(format == LogFormat.json ? "json" : "text");
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setImmediateFlush(true);
    appender.setOutputStream(unclosable(out));
    appender.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(verbose ? Level.DEBUG : Level.INFO);
    root.addAppender(appender);
    for (String name : QUIET) {
      context.getLogger(name).setLevel(Level.INFO);
    }
    context.getLogger("org.apache.hc.client5.http.wire").setLevel(Level.OFF);
    context.getLogger("org.apache.hc.client5.http.headers").setLevel(Level.OFF);

    JulBridge.install(verbose);
    // The JVM's default prints an uncaught exception's stack trace straight to stderr, unmasked.
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> LoggerFactory.getLogger("io.cloneguard.uncaught").error("uncaught exception in thread {}", thread.getName(), e));
  }

  /** Stopping the appender (on the next reset) must not close stderr. */
  private static OutputStream unclosable(OutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8) {
      @Override
      public void close() {
        flush();
      }
    };
  }
}
