package io.cloneguard.sim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What every new instance holds: the base roles (with the same sys_ids on every instance, as
 * platform records have), role containment (mid_server contains the SOAP roles) and the admin.
 */
final class BaseData {
  /** The admin user's sys_id, the same on every instance as on the platform. */
  static final String ADMIN_SYS_ID = "6816f79cc0a8016401c5a33be04be441";
  static final String ADMIN_USER = "admin";
  static final List<String> ROLES = List.of(
      "admin", "mid_server", "soap", "soap_query", "soap_create", "soap_update", "soap_delete", "soap_script", "itil",
      "security_admin", "user_admin", "clone_admin", "snc_internal", "snc_platform_rest_api_access", "web_service_admin");
  static final List<String> MID_SERVER_CONTAINS = List.of("soap", "soap_query", "soap_create", "soap_update", "soap_delete", "soap_script");

  private BaseData() {}

  static String roleSysId(String name) {
    return stableId("sys_user_role:" + name);
  }

  static String stableId(String key) {
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
  }

  static void install(Database db, String adminPassword) {
    db.write(() -> {
      for (String role : ROLES) {
        db.insertLocked("sys_user_role", Map.of("sys_id", roleSysId(role), "name", role, "description", "Base role " + role), "system", false, false);
      }
      for (String contained : MID_SERVER_CONTAINS) {
        db.insertLocked("sys_user_role_contains",
            Map.of("sys_id", stableId("contains:mid_server:" + contained), "role", roleSysId("mid_server"), "contains", roleSysId(contained)),
            "system", false, false);
      }
      db.insertLocked("sys_user", Map.of("sys_id", ADMIN_SYS_ID, "user_name", ADMIN_USER, "first_name", "System", "last_name", "Administrator",
          "email", "admin@example.com", "user_password", adminPassword), "system", true, false);
      db.insertLocked("sys_user_has_role", Map.of("user", ADMIN_SYS_ID, "role", roleSysId("admin")), "system", false, false);
      return null;
    });
  }
}
