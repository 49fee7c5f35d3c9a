package io.cloneguard.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;

/** Builds the daemon's Prometheus registry: JVM and process meters plus {@code cloneguard_build_info}. */
public final class MetricsRegistries {
  private MetricsRegistries() {}

  /**
   * A fresh registry. Build info goes straight into the Prometheus registry as an Info metric,
   * because a Micrometer gauge named {@code *_info} would be renamed by the naming convention.
   * The JVM GC binder is returned closed over the registry's lifetime: closing the registry is enough.
   */
  public static PrometheusMeterRegistry create(String version, String commit) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    @SuppressWarnings("resource") // lives as long as the registry; its listener thread is a daemon
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    Info.builder()
        .name("cloneguard_build_info")
        .help("CloneGuard version and git commit")
        .labelNames("version", "commit")
        .register(registry.getPrometheusRegistry())
        .addLabelValues(version, commit);
    return registry;
  }
}
