package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QueryLanguageTest {
  static Simulator sim;
  static SimInstance dev;
  static Api api;

  @BeforeAll
  static void start() {
    sim = Simulator.start("dev");
    dev = sim.instance("dev");
    api = Api.admin(dev);
    row("alpha", "10", "2024-01-01 10:00:00", "red");
    row("beta", "20", "2024-06-01 10:00:00", "");
    row("gamma", "3", "2025-01-01 00:00:00", "blue");
    row("Alphabet", "40", "2023-12-31 23:59:59", "green");
  }

  private static void row(String name, String size, String when, String color) {
    dev.put("u_widget", Map.of("u_name", name, "u_size", size, "u_when", when, "u_color", color));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static List<String> names(String query) {
    Api.Reply r = api.get("/api/now/table/u_widget?sysparm_query=" + Api.q(query) + "&sysparm_fields=u_name");
    assertThat(r.status()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode n : r.result()) {
      out.add(n.get("u_name").asText());
    }
    return out;
  }

  @Test
  void equalsAndNotEqualsIgnoreCase() {
    assertThat(names("u_name=ALPHA")).containsExactly("alpha");
    assertThat(names("u_name!=alpha")).containsExactlyInAnyOrder("beta", "gamma", "Alphabet");
  }

  @Test
  void inAndNotIn() {
    assertThat(names("u_nameINalpha,gamma")).containsExactlyInAnyOrder("alpha", "gamma");
    assertThat(names("u_nameNOT INalpha,gamma")).containsExactlyInAnyOrder("beta", "Alphabet");
  }

  @Test
  void likeStartsWithEndsWith() {
    assertThat(names("u_nameLIKEpha")).containsExactlyInAnyOrder("alpha", "Alphabet");
    assertThat(names("u_nameNOT LIKEpha")).containsExactlyInAnyOrder("beta", "gamma");
    assertThat(names("u_nameSTARTSWITHalp")).containsExactlyInAnyOrder("alpha", "Alphabet");
    assertThat(names("u_nameENDSWITHma")).containsExactly("gamma");
  }

  @Test
  void emptyAndNotEmpty() {
    assertThat(names("u_colorISEMPTY")).containsExactly("beta");
    assertThat(names("u_colorISNOTEMPTY")).containsExactlyInAnyOrder("alpha", "gamma", "Alphabet");
  }

  @Test
  void greaterAndLessCompareNumbersAsNumbersAndDatesAsText() {
    assertThat(names("u_size>9")).containsExactlyInAnyOrder("alpha", "beta", "Alphabet");
    assertThat(names("u_size<10")).containsExactly("gamma");
    assertThat(names("u_size>=10^u_size<=20")).containsExactlyInAnyOrder("alpha", "beta");
    assertThat(names("u_when>2024-01-01 00:00:00")).containsExactlyInAnyOrder("alpha", "beta", "gamma");
    assertThat(names("u_when<2024-01-01 00:00:00")).containsExactly("Alphabet");
  }

  @Test
  void orBindsToThePreviousTermAndNqStartsANewQuery() {
    assertThat(names("u_size>5^u_name=alpha^ORu_name=beta")).containsExactlyInAnyOrder("alpha", "beta");
    assertThat(names("u_name=gamma^NQu_name=beta")).containsExactlyInAnyOrder("gamma", "beta");
  }

  @Test
  void orderByAndOrderByDesc() {
    assertThat(names("ORDERBYu_size")).containsExactly("gamma", "alpha", "beta", "Alphabet");
    assertThat(names("ORDERBYDESCu_when")).containsExactly("gamma", "beta", "alpha", "Alphabet");
    assertThat(names("u_sizeISNOTEMPTY^ORDERBYu_name")).containsExactly("alpha", "Alphabet", "beta", "gamma");
  }

  @Test
  void unknownFieldIsSilentlyDroppedAndTheRestStillRuns() {
    assertThat(names("u_nmae=alpha")).hasSize(4);
    assertThat(names("u_nmae=alpha^u_name=beta")).containsExactly("beta");
    assertThat(dev.rows("sys_user", "rolez=mid_server")).hasSize(dev.rows("sys_user").size());
  }

  @Test
  void rolesOnSysUserMeansHoldsTheRole() {
    String mid = dev.addUser("q.mid", "pw-1", "mid_server");
    dev.addUser("q.other", "pw-2", "itil");
    dev.addUser("q.soapish", "pw-3", "soap");
    List<Map<String, String>> holders = dev.rows("sys_user", "roles=mid_server");
    assertThat(holders).extracting(r -> r.get("sys_id")).containsExactly(mid);
    // mid_server contains soap, so the MID user holds soap too; the LIKE form is a substring match
    assertThat(dev.rows("sys_user", "roles=soap^user_nameSTARTSWITHq.")).extracting(r -> r.get("user_name"))
        .containsExactlyInAnyOrder("q.mid", "q.soapish");
  }

  @Test
  void dotWalkFollowsOneReference() {
    String mid = dev.addUser("dw.mid", "pw-1", "mid_server");
    String group = dev.addGroup("Dot Walkers");
    dev.addMember(mid, group);
    String other = dev.addUser("dw.other", "pw-2", "itil");
    dev.addMember(other, group);

    assertThat(dev.rows("sys_user_has_role", "user.user_name=dw.mid^role.name=mid_server")).hasSize(1);
    assertThat(dev.rows("sys_user_grmember", "user.roles=mid_server^group.name=Dot Walkers"))
        .extracting(r -> r.get("user")).containsExactly(mid);
    Api.Reply r = api.get("/api/now/table/sys_user_grmember?sysparm_query=" + Api.q("user.roles=mid_server^group=" + group));
    assertThat(r.result()).hasSize(1);
    assertThat(r.result().get(0).get("user").get("value").asText()).isEqualTo(mid);
  }

  @Test
  void twoLevelDotWalkIsNotSupportedAndDropped() {
    assertThat(dev.rows("sys_user_grmember", "user.manager.user_name=nobody")).hasSize(dev.rows("sys_user_grmember").size());
  }
}
