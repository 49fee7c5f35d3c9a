package io.cloneguard.servicenow;

import io.cloneguard.config.Secret;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one way CloneGuard talks to a ServiceNow instance (Table API and Aggregate API). There is
 * deliberately no delete: CloneGuard never deletes anything on an instance. All methods throw
 * {@link ServiceNowException} subtypes.
 */
public interface ServiceNowClient extends Closeable {

  /** The configured instance name, e.g. {@code dev}. */
  String instance();

  /**
   * Streams every row matching the query to {@code sink}, paging in parallel in a stable order
   * ({@code ORDERBYsys_id}). The sink is called from one thread at a time.
   */
  void forEach(TableQuery query, Consumer<Record> sink);

  default List<Record> list(TableQuery query) {
    List<Record> rows = new ArrayList<>();
    forEach(query, rows::add);
    return rows;
  }

  /** One record by sys_id, or empty on 404. */
  Optional<Record> get(String table, String sysId, List<String> fields);

  /**
   * Inserts one record. A {@code sys_id} in {@code values} is sent along so references stay valid;
   * the returned record is what the platform stored (its sys_id may differ: the caller checks).
   * Retried only when it carries a sys_id and a read shows the record absent.
   */
  Record insert(String table, Map<String, String> values);

  /** Sets only the given fields of one record. */
  Record patch(String table, String sysId, Map<String, String> values);

  /** Row count through the Aggregate API: one small request. */
  long count(String table, String query);

  /** Sets a user's password ({@code user_password} with {@code sysparm_input_display_value=true}). */
  void setPassword(String userSysId, Secret password);

  @Override
  void close();
}
