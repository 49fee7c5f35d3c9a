package io.cloneguard.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rows of one table, kept in sys_id order (the order CloneGuard pages in). Rows are immutable
 * maps replaced on every write, so a reader can keep one after releasing the lock. Guarded by the
 * owning {@link Database}'s lock.
 */
final class Table {
  final String name;
  final Schema.Def def;
  private final NavigableMap<String, Map<String, String>> rows;
  private final Set<String> extraFields;
  /** The rows as a list in sys_id order, rebuilt after a write: pages are sublists, scans walk an array. */
  private volatile List<Map<String, String>> ordered;

  Table(String name) {
    this(name, new TreeMap<>(), new TreeSet<>());
  }

  private Table(String name, NavigableMap<String, Map<String, String>> rows, Set<String> extraFields) {
    this.name = name;
    this.def = Schema.defOrNull(name);
    this.rows = rows;
    this.extraFields = extraFields;
  }

  Table copy() {
    return new Table(name, new TreeMap<>(rows), new TreeSet<>(extraFields));
  }

  Map<String, String> get(String sysId) {
    return rows.get(sysId);
  }

  boolean contains(String sysId) {
    return rows.containsKey(sysId);
  }

  int size() {
    return rows.size();
  }

  /** The previous row with this sys_id, or null. */
  Map<String, String> put(String sysId, Map<String, String> row) {
    ordered = null;
    return rows.put(sysId, row);
  }

  Map<String, String> remove(String sysId) {
    ordered = null;
    return rows.remove(sysId);
  }

  void removeIf(java.util.function.Predicate<Map<String, String>> which) {
    ordered = null;
    rows.values().removeIf(which);
  }

  /** Every row in sys_id order (do not modify). */
  List<Map<String, String>> ordered() {
    List<Map<String, String>> list = ordered;
    if (list == null) {
      list = List.copyOf(rows.values());
      ordered = list;
    }
    return list;
  }

  boolean hasField(String field) {
    if ("user_password".equals(field)) {
      return false;
    }
    if (def != null) {
      return def.fieldSet().contains(field);
    }
    return Schema.SYS_FIELDS.contains(field) || extraFields.contains(field);
  }

  /** Whether a write may set this field: known tables ignore fields they do not have, as the platform does. */
  boolean accepts(String field) {
    return def == null || def.fieldSet().contains(field);
  }

  void noteFields(Set<String> fields) {
    if (def == null) {
      for (String f : fields) {
        if (!Schema.SYS_FIELDS.contains(f)) {
          extraFields.add(f);
        }
      }
    }
  }

  /** Every field of the table, in a stable order: the schema's, or the sys fields and then what was written. */
  List<String> fields() {
    if (def != null) {
      return def.fields();
    }
    List<String> all = new ArrayList<>(extraFields);
    all.addAll(Schema.SYS_FIELDS);
    return all;
  }
}
