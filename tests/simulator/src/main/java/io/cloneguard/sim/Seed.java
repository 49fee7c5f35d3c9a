package io.cloneguard.sim;

/**
 * What {@link SimInstance#seed(Seed)} creates: MID users (holding mid_server directly, every
 * second one also through the "MID Server Users" group), groups, ordinary users and MID Servers
 * logging in as the first MID users. Immutable; each method returns a changed copy.
 */
public record Seed(int midUsers, int groups, int ordinaryUsers, int midServers, String midUserPrefix) {
  public Seed {
    check("midUsers", midUsers);
    check("groups", groups);
    check("ordinaryUsers", ordinaryUsers);
    check("midServers", midServers);
    if (midServers > midUsers) {
      throw new IllegalArgumentException("Seed: midServers (" + midServers + ") needs as many midUsers, got " + midUsers);
    }
  }

  private static void check(String name, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("Seed: " + name + " must be >= 0, got " + n);
    }
  }

  /** {@code n} MID users; by default one group, no ordinary users, no MID Servers. */
  public static Seed midUsers(int n) {
    return new Seed(n, Math.min(n, 1), 0, 0, null);
  }

  /** {@code n} groups; the first is "MID Server Users" (holding mid_server), the others "MID Group k". */
  public Seed groups(int n) {
    return new Seed(midUsers, n, ordinaryUsers, midServers, midUserPrefix);
  }

  /** {@code n} users with role itil and no membership. */
  public Seed ordinaryUsers(int n) {
    return new Seed(midUsers, groups, n, midServers, midUserPrefix);
  }

  /** {@code n} MID Servers (ecc_agent rows), each logging in as one of the first MID users with its password. */
  public Seed midServers(int n) {
    return new Seed(midUsers, groups, ordinaryUsers, n, midUserPrefix);
  }

  /** MID user names are {@code prefix + NN}; default {@code mid.<instance>.}. */
  public Seed midUserPrefix(String prefix) {
    return new Seed(midUsers, groups, ordinaryUsers, midServers, prefix);
  }
}
