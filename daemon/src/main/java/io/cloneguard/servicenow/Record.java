package io.cloneguard.servicenow;

import java.util.Map;
import java.util.TreeMap;

/**
 * One row of a ServiceNow table as the Table API returned it. Every value is a string (the
 * platform's own convention); references are unwrapped to their sys_id; display values, when
 * requested, are kept apart. Absent fields read as {@code ""}, as the platform reports unset ones.
 */
public record Record(String table, Map<String, String> values, Map<String, String> displayValues) {
  public Record {
    values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    displayValues = java.util.Collections.unmodifiableMap(new TreeMap<>(displayValues));
  }

  public static Record of(String table, Map<String, String> values) {
    return new Record(table, values, Map.of());
  }

  public String sysId() {
    return get("sys_id");
  }

  /** The value, or {@code ""} when the field is unset or was not requested. */
  public String get(String field) {
    return values.getOrDefault(field, "");
  }

  /** The display value, falling back to the value. */
  public String display(String field) {
    return displayValues.getOrDefault(field, get(field));
  }

  public boolean isTrue(String field) {
    return "true".equalsIgnoreCase(get(field));
  }

  public Record with(String field, String value) {
    var copy = new TreeMap<>(values);
    copy.put(field, value);
    return new Record(table, copy, displayValues);
  }
}
