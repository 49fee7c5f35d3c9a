package io.cloneguard.config;

import java.net.URI;
import java.util.List;

/**
 * One ServiceNow instance CloneGuard talks to.
 *
 * @param name short name, {@code [a-z0-9-]+}, unique; used in file names, metrics labels and commands
 * @param watchCloneRequests read clone requests (clone_instance) on this instance, i.e. it is a clone source
 * @param guard snapshot, verify and restore this instance as a clone target
 * @param midRoles the roles that make a user a MID Server account (default {@code mid_server})
 */
public record InstanceConfig(
    String name,
    URI url,
    AuthConfig auth,
    boolean watchCloneRequests,
    boolean guard,
    Policy policy,
    List<String> midRoles) {
  public InstanceConfig {
    midRoles = List.copyOf(midRoles);
  }
}
