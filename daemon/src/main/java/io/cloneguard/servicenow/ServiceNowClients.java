package io.cloneguard.servicenow;

import io.cloneguard.config.HttpConfig;
import io.cloneguard.config.InstanceConfig;
import io.micrometer.core.instrument.MeterRegistry;

/** Builds the client for one configured instance. */
public final class ServiceNowClients {
  private ServiceNowClients() {}

  public static ServiceNowClient create(InstanceConfig instance, HttpConfig http, MeterRegistry registry) {
    throw new UnsupportedOperationException("the HttpClient 5 client is not implemented yet");
  }
}
