package io.cloneguard.sim;

import java.util.List;
import java.util.Map;

/** What a seed created, by sys_id, with the MID users' passwords (user_name to password). */
public record SeedResult(
    List<String> midUserIds, List<String> midUserNames, Map<String, String> midPasswords, List<String> groupIds,
    List<String> ordinaryUserIds, List<String> midServerNames) {

  public SeedResult {
    midUserIds = List.copyOf(midUserIds);
    midUserNames = List.copyOf(midUserNames);
    midPasswords = Map.copyOf(midPasswords);
    groupIds = List.copyOf(groupIds);
    ordinaryUserIds = List.copyOf(ordinaryUserIds);
    midServerNames = List.copyOf(midServerNames);
  }

  public String passwordOf(String userName) {
    String pw = midPasswords.get(userName);
    if (pw == null) {
      throw new IllegalArgumentException("no seeded MID user named " + userName + "; seeded: " + midUserNames);
    }
    return pw;
  }
}
