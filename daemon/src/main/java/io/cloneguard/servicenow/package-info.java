/**
 * The ServiceNow Table API client: the only code that talks to an instance.
 *
 * <p>Build one client per configured instance with
 * {@link io.cloneguard.servicenow.ServiceNowClients#create(io.cloneguard.config.InstanceConfig,
 * io.cloneguard.config.HttpConfig, io.micrometer.core.instrument.MeterRegistry)} and close it when done
 * (connections, page threads and meters are released). Clients are thread-safe.
 *
 * <ul>
 *   <li>{@code forEach/list} stream every row of a {@link io.cloneguard.servicenow.TableQuery}, ordered by
 *       sys_id (an ORDERBY in the query is replaced), pages fetched in parallel; the sink runs on the
 *       calling thread only. Give a guard with {@code requireEach} whenever the query selects what you will
 *       act on: the platform drops misspelt query terms silently.
 *   <li>{@code get} returns empty on 404; {@code insert} keeps a given sys_id (check the returned sys_id:
 *       the platform may assign another); {@code patch} sends only the given fields; {@code count} uses the
 *       Aggregate API; {@code setPassword} sets {@code user_password} as a password. There is no delete.
 *   <li>Every failure is a {@link io.cloneguard.servicenow.ServiceNowException} subtype naming instance,
 *       table and HTTP status, already retried where that is safe; messages never carry a secret.
 * </ul>
 */
package io.cloneguard.servicenow;
