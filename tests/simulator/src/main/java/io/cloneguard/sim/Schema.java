package io.cloneguard.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of the tables the simulator knows, with their references and defaults. Any other
 * table works generically: its fields are whatever has been written to it.
 */
final class Schema {
  static final List<String> SYS_FIELDS =
      List.of("sys_id", "sys_created_on", "sys_created_by", "sys_updated_on", "sys_updated_by", "sys_mod_count", "sys_domain");

  /** Fields maintained by the platform; writes to them are ignored. */
  static final Set<String> READ_ONLY = Set.of("sys_created_on", "sys_created_by", "sys_updated_on", "sys_updated_by", "sys_mod_count");

  private static final Map<String, Def> TABLES = new LinkedHashMap<>();

  /** One known table: ordered fields, reference targets, defaults and the field shown as display value. */
  record Def(String table, List<String> fields, Set<String> fieldSet, Map<String, String> references, Map<String, String> defaults,
      String displayField) {}

  static {
    def("sys_user", "name",
        "user_name first_name last_name name email active locked_out web_service_access_only internal_integration_user roles user_password title",
        Map.of(), Map.of("active", "true", "locked_out", "false", "web_service_access_only", "false", "internal_integration_user", "false"));
    def("sys_user_role", "name", "name description elevated_privilege", Map.of(), Map.of("elevated_privilege", "false"));
    def("sys_user_role_contains", "role", "role contains", Map.of("role", "sys_user_role", "contains", "sys_user_role"), Map.of());
    def("sys_user_has_role", "role", "user role inherited granted_by state included_in_role_instance",
        Map.of("user", "sys_user", "role", "sys_user_role", "granted_by", "sys_user_group", "included_in_role_instance", "sys_user_has_role"),
        Map.of("inherited", "false", "state", "active"));
    def("sys_user_group", "name", "name description active roles manager email", Map.of("manager", "sys_user"), Map.of("active", "true"));
    def("sys_group_has_role", "role", "group role inherits", Map.of("group", "sys_user_group", "role", "sys_user_role"), Map.of("inherits", "true"));
    def("sys_user_grmember", "user", "user group", Map.of("user", "sys_user", "group", "sys_user_group"), Map.of());
    def("ecc_agent", "name", "name status host_name ip_address user_name validated version started stopped last_refreshed", Map.of(),
        Map.of("status", "Down", "validated", "true"));
    def("ecc_agent_issue", "message", "mid_server source message state last_detected count", Map.of("mid_server", "ecc_agent"),
        Map.of("state", "new", "count", "1"));
    def("instance", "instance_name", "instance_name instance_url instance_id source", Map.of(), Map.of("source", "false"));
    def("clone_instance", "clone_id",
        "source_instance target_instance state scheduled started completed canceled message clone_id clone_type profile email parent"
            + " preserve_theme exclude_large_data recurring clone_frequency",
        Map.of("source_instance", "instance", "target_instance", "instance", "parent", "clone_instance"),
        Map.of("state", "Requested", "exclude_large_data", "false", "recurring", "false"));
    def("clone_data_preserver", "name", "name table condition theme include_in_system_clone", Map.of(), Map.of("include_in_system_clone", "true"));
    def("clone_data_exclude", "name", "name table condition theme include_in_system_clone", Map.of(), Map.of("include_in_system_clone", "true"));
  }

  private static void def(String table, String display, String fields, Map<String, String> refs, Map<String, String> defaults) {
    List<String> all = new ArrayList<>(List.of(fields.split(" ")));
    all.addAll(SYS_FIELDS);
    Map<String, String> references = new LinkedHashMap<>(refs);
    references.put("sys_domain", "sys_user_group");
    TABLES.put(table, new Def(table, List.copyOf(all), Set.copyOf(all), Map.copyOf(references), Map.copyOf(defaults), display));
  }

  private Schema() {}

  /** The definition of a known table, or null for a generic one. */
  static Def defOrNull(String table) {
    return TABLES.get(table);
  }

  static String referenceTarget(String table, String field) {
    Def def = TABLES.get(table);
    if (def == null) {
      return "sys_domain".equals(field) ? "sys_user_group" : null;
    }
    return def.references().get(field);
  }
}
