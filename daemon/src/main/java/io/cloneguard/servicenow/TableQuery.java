package io.cloneguard.servicenow;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A read of one table: an encoded query, the fields wanted (empty = all) and an optional guard
 * that every returned row must satisfy. The guard exists because the platform silently drops an
 * invalid part of an encoded query and runs the rest: a misspelt field turns "MID users" into
 * "all users". A row that fails the guard is a {@link ServiceNowException.UnexpectedRow}.
 */
public record TableQuery(String table, String query, List<String> fields, String guardDescription, Predicate<Record> guard) {
  public TableQuery {
    Objects.requireNonNull(table, "table");
    query = query == null ? "" : query;
    fields = List.copyOf(fields);
  }

  public static TableQuery of(String table, String query) {
    return new TableQuery(table, query, List.of(), null, null);
  }

  public TableQuery withFields(String... names) {
    return new TableQuery(table, query, List.of(names), guardDescription, guard);
  }

  public TableQuery withFields(List<String> names) {
    return new TableQuery(table, query, names, guardDescription, guard);
  }

  /** Every row must satisfy {@code predicate}; {@code description} names it in the error ("user holds mid_server"). */
  public TableQuery requireEach(String description, Predicate<Record> predicate) {
    return new TableQuery(table, query, fields, description, predicate);
  }
}
