package io.cloneguard.servicenow;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A read of one table: an encoded query, the fields wanted (empty = all) and an optional guard
 * that every returned row must satisfy. The guard exists because the platform silently drops an
 * invalid part of an encoded query and runs the rest: a misspelt field turns "MID users" into
 * "all users". A row that fails the guard is a {@link ServiceNowException.UnexpectedRow}.
 *
 * <p>Rows always come back ordered by sys_id: paging needs a unique order, so an {@code ORDERBY}
 * in {@code query} is replaced by {@code ORDERBYsys_id}. {@code displayValues} asks for
 * {@code sysparm_display_value=all} (see {@link Record#display}).
 */
public record TableQuery(
    String table, String query, List<String> fields, String guardDescription, Predicate<Record> guard, boolean displayValues) {
  public TableQuery {
    Objects.requireNonNull(table, "table");
    query = query == null ? "" : query;
    fields = List.copyOf(fields);
  }

  public TableQuery(String table, String query, List<String> fields, String guardDescription, Predicate<Record> guard) {
    this(table, query, fields, guardDescription, guard, false);
  }

  public static TableQuery of(String table, String query) {
    return new TableQuery(table, query, List.of(), null, null, false);
  }

  public TableQuery withFields(String... names) {
    return new TableQuery(table, query, List.of(names), guardDescription, guard, displayValues);
  }

  public TableQuery withFields(List<String> names) {
    return new TableQuery(table, query, names, guardDescription, guard, displayValues);
  }

  /** Every row must satisfy {@code predicate}; {@code description} names it in the error ("user holds mid_server"). */
  public TableQuery requireEach(String description, Predicate<Record> predicate) {
    return new TableQuery(table, query, fields, description, predicate, displayValues);
  }

  /** Also fetch display values ({@code sysparm_display_value=all}), e.g. to match a choice's label. */
  public TableQuery withDisplayValues() {
    return new TableQuery(table, query, fields, guardDescription, guard, true);
  }
}
