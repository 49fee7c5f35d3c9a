package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RolesTest {
  @RegisterExtension final SimulatorExtension sim = SimulatorExtension.instances("dev");
  SimInstance dev;
  Api api;

  @BeforeEach
  void start() {
    dev = sim.instance("dev");
    api = Api.admin(dev);
  }

  @Test
  void grantingMidServerCreatesInheritedGrantsForTheContainedSoapRoles() {
    String user = dev.addUser("mid.one", "pw");
    Api.Reply r = api.post("/api/now/table/sys_user_has_role", Map.of("user", user, "role", dev.roleId("mid_server")));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.result().get("inherited").asText()).isEqualTo("false");
    assertThat(dev.rows("sys_user_has_role", "user=" + user + "^inherited=true"))
        .extracting(row -> dev.row("sys_user_role", row.get("role")).orElseThrow().get("name"))
        .containsExactlyInAnyOrderElementsOf(BaseData.MID_SERVER_CONTAINS);
    assertThat(dev.row("sys_user", user).orElseThrow().get("roles")).contains("mid_server").contains("soap_query");

    api.delete("/api/now/table/sys_user_has_role/" + r.result().get("sys_id").asText());
    assertThat(dev.rows("sys_user_has_role", "user=" + user)).isEmpty();
    assertThat(dev.row("sys_user", user).orElseThrow().get("roles")).isEmpty();
  }

  @Test
  void groupRolesGiveInheritedGrantsWithGrantedBy() {
    String user = dev.addUser("member", "pw");
    String group = dev.addGroup("MID Server Users", "mid_server");
    Api.Reply m = api.post("/api/now/table/sys_user_grmember", Map.of("user", user, "group", group));
    assertThat(m.status()).isEqualTo(201);
    var viaGroup = dev.rows("sys_user_has_role", "user=" + user + "^granted_by=" + group + "^role.name=mid_server");
    assertThat(viaGroup).hasSize(1);
    assertThat(viaGroup.get(0).get("inherited")).isEqualTo("true");
    assertThat(dev.rows("sys_user", "roles=mid_server")).extracting(u -> u.get("sys_id")).containsExactly(user);
    assertThat(dev.row("sys_user_group", group).orElseThrow().get("roles")).isEqualTo("mid_server");

    api.delete("/api/now/table/sys_user_grmember/" + m.result().get("sys_id").asText());
    assertThat(dev.rows("sys_user_has_role", "user=" + user)).isEmpty();
    assertThat(dev.rows("sys_user", "roles=mid_server")).isEmpty();
  }

  @Test
  void membershipToAMissingGroupIsRejectedThroughTheApi() {
    String user = dev.addUser("orphan", "pw");
    Api.Reply r = api.post("/api/now/table/sys_user_grmember", Map.of("user", user, "group", "ffffffffffffffffffffffffffffffff"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").get("detail").asText()).contains("sys_user_grmember.group").contains("does not exist");
    assertThat(dev.rows("sys_user_grmember", "user=" + user)).isEmpty();
    // direct manipulation may build the broken state a preserver leaves behind
    dev.put("sys_user_grmember", Map.of("user", user, "group", "ffffffffffffffffffffffffffffffff"));
    assertThat(dev.rows("sys_user_grmember", "user=" + user)).hasSize(1);
  }

  @Test
  void midServerAndSecurityAdminAreIncompatible() {
    String user = dev.addUser("both", "pw", "security_admin");
    Api.Reply r = api.post("/api/now/table/sys_user_has_role", Map.of("user", user, "role", dev.roleId("mid_server")));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("error").get("detail").asText()).contains("incompatible");
    assertThat(dev.row("sys_user", user).orElseThrow().get("roles")).isEqualTo("security_admin");
  }

  @Test
  void duplicateUserNameIsRejected() {
    dev.addUser("twin", "pw");
    assertThat(api.post("/api/now/table/sys_user", Map.of("user_name", "twin")).status()).isEqualTo(403);
  }

  @Test
  void deletingAUserTakesItsGrantsAndMembershipsWithIt() {
    String user = dev.addUser("leaving", "pw", "itil");
    dev.addMember(user, dev.addGroup("G"));
    dev.remove("sys_user", user);
    assertThat(dev.rows("sys_user_has_role", "user=" + user)).isEmpty();
    assertThat(dev.rows("sys_user_grmember", "user=" + user)).isEmpty();
  }

  @Test
  void seedCreatesMidUsersWithDirectAndGroupGrantsAndOrdinaryUsers() {
    SeedResult r = dev.seed(Seed.midUsers(4).groups(2).ordinaryUsers(3).midServers(2));
    assertThat(r.midUserIds()).hasSize(4);
    assertThat(dev.rows("sys_user", "roles=mid_server")).hasSize(4);
    assertThat(dev.rows("sys_user_has_role", "role.name=mid_server^inherited=false")).hasSize(4);
    assertThat(dev.rows("sys_user_has_role", "role.name=mid_server^inherited=true^granted_by=" + r.groupIds().get(0))).hasSize(2);
    assertThat(dev.rows("sys_user_grmember", "group=" + r.groupIds().get(1))).hasSize(4);
    assertThat(dev.rows("sys_user", "roles=itil")).hasSize(3);
    assertThat(dev.rows("ecc_agent")).hasSize(2);
    assertThat(dev.passwordMatches(r.midUserNames().get(0), r.passwordOf(r.midUserNames().get(0)))).isTrue();
  }
}
