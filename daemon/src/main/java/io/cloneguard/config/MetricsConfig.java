package io.cloneguard.config;

/** The metrics and health listener, {@code host:port}; port 0 picks a free port. */
public record MetricsConfig(String listen) {}
