package io.cloneguard.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.cloneguard.config.SecretMask;

/**
 * A pattern layout whose output passes through {@link SecretMask}: the whole line, so secrets are
 * masked in the message, its arguments, the MDC and every exception message of the stack trace.
 */
public class MaskingPatternLayout extends PatternLayout {
  public static final String DEFAULT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{24} - %msg%n%ex";

  public MaskingPatternLayout() {
    setPattern(DEFAULT_PATTERN);
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    return SecretMask.mask(super.doLayout(event));
  }
}
