package io.cloneguard.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Creates the data a {@link Seed} describes on one instance. */
final class Seeder {
  static final String MID_GROUP = "MID Server Users";

  private Seeder() {}

  static SeedResult seed(SimInstance instance, Database db, Seed seed) {
    String prefix = seed.midUserPrefix() != null ? seed.midUserPrefix() : "mid." + instance.name() + ".";
    List<String> groupIds = new ArrayList<>();
    for (int i = 0; i < seed.groups(); i++) {
      groupIds.add(i == 0 ? instance.addGroup(MID_GROUP, "mid_server") : instance.addGroup("MID Group " + (i + 1)));
    }
    List<String> midIds = new ArrayList<>();
    List<String> midNames = new ArrayList<>();
    Map<String, String> passwords = new LinkedHashMap<>();
    for (int i = 0; i < seed.midUsers(); i++) {
      String userName = prefix + String.format("%02d", i + 1);
      String password = SimInstance.newPassword();
      Map<String, String> values = new LinkedHashMap<>();
      values.put("user_name", userName);
      values.put("first_name", "MID");
      values.put("last_name", "Server " + (i + 1));
      values.put("web_service_access_only", "true");
      values.put("internal_integration_user", "true");
      values.put("user_password", password);
      String id = db.insert("sys_user", values, "system", true, false).get("sys_id");
      instance.grantRole(id, "mid_server");
      // Every second MID user also holds mid_server through the group; all spread over the other groups.
      if (!groupIds.isEmpty() && i % 2 == 0) {
        instance.addMember(id, groupIds.get(0));
      }
      if (groupIds.size() > 1) {
        instance.addMember(id, groupIds.get(1 + i % (groupIds.size() - 1)));
      }
      midIds.add(id);
      midNames.add(userName);
      passwords.put(userName, password);
    }
    List<String> ordinary = new ArrayList<>();
    if (seed.ordinaryUsers() > 0) {
      String itil = instance.roleId("itil");
      db.write(() -> {
        for (int i = 0; i < seed.ordinaryUsers(); i++) {
          Map<String, String> values = new LinkedHashMap<>();
          values.put("user_name", instance.name() + ".user." + String.format("%05d", i + 1));
          values.put("first_name", "User");
          values.put("last_name", String.valueOf(i + 1));
          values.put("email", "user" + (i + 1) + "@example.com");
          String id = db.insertLocked("sys_user", values, "system", true, false).get("sys_id");
          db.insertLocked("sys_user_has_role", Map.of("user", id, "role", itil), "system", false, false);
          ordinary.add(id);
        }
        return null;
      });
    }
    List<String> mids = new ArrayList<>();
    for (int i = 0; i < seed.midServers(); i++) {
      String name = "MID-" + instance.name() + "-" + (i + 1);
      instance.addMidServer(name, midNames.get(i), passwords.get(midNames.get(i)));
      mids.add(name);
    }
    return new SeedResult(midIds, midNames, passwords, groupIds, ordinary, mids);
  }
}
