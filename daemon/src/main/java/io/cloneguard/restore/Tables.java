package io.cloneguard.restore;

/** The tables verify and restore work on, and their fields. */
final class Tables {
  static final String GROUPS = "sys_user_group";
  static final String USERS = "sys_user";
  static final String GRANTS = "sys_user_has_role";
  static final String MEMBERSHIPS = "sys_user_grmember";
  static final String GROUP_ROLES = "sys_group_has_role";
  static final String ROLES = "sys_user_role";
  static final String AGENTS = "ecc_agent";
  static final String AGENT_ISSUES = "ecc_agent_issue";

  private Tables() {}
}
