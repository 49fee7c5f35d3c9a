package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TableApiTest {
  Simulator sim;
  SimInstance dev;
  Api api;

  @BeforeEach
  void start() {
    sim = Simulator.start("prod", "dev");
    dev = sim.instance("dev");
    api = Api.admin(dev);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void everyFieldIsPresentAndEveryValueIsAStringOrAReference() {
    String id = dev.addUser("shape.user", "pw", "itil");
    Api.Reply r = api.get("/api/now/table/sys_user/" + id);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/json;charset=UTF-8");
    JsonNode u = r.result();
    for (String f : new String[] {"user_name", "first_name", "last_name", "email", "active", "locked_out", "web_service_access_only",
        "roles", "sys_id", "sys_created_on", "sys_mod_count", "sys_domain"}) {
      assertThat(u.has(f)).as(f).isTrue();
    }
    Iterator<Map.Entry<String, JsonNode>> it = u.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      assertThat(e.getValue().isTextual() || e.getValue().isObject()).as(e.getKey()).isTrue();
    }
    assertThat(u.get("active").asText()).isEqualTo("true");
    assertThat(u.get("sys_mod_count").asText()).isEqualTo("0");
    assertThat(u.get("email").asText()).isEmpty();
    assertThat(u.get("sys_created_on").asText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    assertThat(u.get("sys_domain").get("value").asText()).isEqualTo("global");
    assertThat(u.get("sys_domain").get("link").asText()).isEqualTo(dev.url() + "/api/now/table/sys_user_group/global");
  }

  @Test
  void referencesComeAsLinkAndValueOrPlainOrDisplay() {
    String user = dev.addUser("ref.user", "pw");
    String group = dev.addGroup("Ref Group");
    String member = dev.addMember(user, group);

    JsonNode linked = api.get("/api/now/table/sys_user_grmember/" + member).result();
    assertThat(linked.get("group").get("value").asText()).isEqualTo(group);
    assertThat(linked.get("group").get("link").asText()).isEqualTo(dev.url() + "/api/now/table/sys_user_group/" + group);

    JsonNode plain = api.get("/api/now/table/sys_user_grmember/" + member + "?sysparm_exclude_reference_link=true").result();
    assertThat(plain.get("group").asText()).isEqualTo(group);

    JsonNode display = api.get("/api/now/table/sys_user_grmember/" + member + "?sysparm_display_value=true&sysparm_exclude_reference_link=true").result();
    assertThat(display.get("group").asText()).isEqualTo("Ref Group");
    assertThat(display.get("user").asText()).isEqualTo("ref.user");

    JsonNode all = api.get("/api/now/table/sys_user_grmember/" + member + "?sysparm_display_value=all").result();
    assertThat(all.get("group").get("display_value").asText()).isEqualTo("Ref Group");
    assertThat(all.get("group").get("value").asText()).isEqualTo(group);
    assertThat(all.get("group").get("link").asText()).endsWith("/sys_user_group/" + group);
    assertThat(all.get("sys_mod_count").get("value").asText()).isEqualTo("0");
  }

  @Test
  void emptyReferenceIsAnEmptyString() {
    String user = dev.addUser("noman", "pw");
    String group = dev.addGroup("No Manager");
    assertThat(user).isNotEmpty();
    JsonNode g = api.get("/api/now/table/sys_user_group/" + group).result();
    assertThat(g.get("manager").isTextual()).isTrue();
    assertThat(g.get("manager").asText()).isEmpty();
  }

  @Test
  void fieldsSelectsAndDotWalkedFieldsComeBackFlat() {
    String user = dev.addUser("fields.user", "pw", "mid_server");
    Api.Reply r = api.get("/api/now/table/sys_user_has_role?sysparm_query=" + Api.q("user=" + user + "^inherited=false")
        + "&sysparm_fields=sys_id,user.user_name,role.name,inherited");
    JsonNode row = r.result().get(0);
    assertThat(row.size()).isEqualTo(4);
    assertThat(row.get("user.user_name").asText()).isEqualTo("fields.user");
    assertThat(row.get("role.name").asText()).isEqualTo("mid_server");
  }

  @Test
  void postHonoursTheGivenSysIdAndAnswers201WithLocation() {
    String id = "0123456789abcdef0123456789abcdef";
    Api.Reply r = api.post("/api/now/table/sys_user_group", Map.of("sys_id", id, "name", "Kept Id", "u_unknown_field", "x", "active", true));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.header("Location")).isEqualTo(dev.url() + "/api/now/table/sys_user_group/" + id);
    assertThat(r.result().get("sys_id").asText()).isEqualTo(id);
    assertThat(r.result().get("active").asText()).isEqualTo("true");
    assertThat(r.result().has("u_unknown_field")).isFalse();
    assertThat(dev.row("sys_user_group", id)).hasValueSatisfying(g -> assertThat(g.get("name")).isEqualTo("Kept Id"));

    Api.Reply again = api.post("/api/now/table/sys_user_group", Map.of("sys_id", id, "name", "Duplicate"));
    assertThat(again.status()).isEqualTo(403);
    assertThat(again.json().get("error").get("message").asText()).isEqualTo("Operation Failed");
  }

  @Test
  void patchPutAndDeleteChangeTheRecord() {
    String group = dev.addGroup("Before");
    Api.Reply patched = api.patch("/api/now/table/sys_user_group/" + group, Map.of("name", "After"));
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.result().get("name").asText()).isEqualTo("After");
    assertThat(patched.result().get("sys_mod_count").asText()).isEqualTo("1");
    assertThat(api.put("/api/now/table/sys_user_group/" + group, Map.of("description", "put")).result().get("name").asText()).isEqualTo("After");
    assertThat(dev.row("sys_user_group", group).orElseThrow().get("description")).isEqualTo("put");

    Api.Reply deleted = api.delete("/api/now/table/sys_user_group/" + group);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(dev.row("sys_user_group", group)).isEmpty();
    Api.Reply missing = api.get("/api/now/table/sys_user_group/" + group);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("status").asText()).isEqualTo("failure");
    assertThat(missing.json().get("error").get("message").asText()).isEqualTo("No Record found");
    assertThat(api.patch("/api/now/table/sys_user_group/" + group, Map.of("name", "x")).status()).isEqualTo(404);
  }

  @Test
  void invalidJsonIs400WithTheErrorEnvelope() {
    Api.Reply r = api.post("/api/now/table/sys_user_group", "{not json");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("error").get("detail").asText()).contains("not valid JSON");
  }

  @Test
  void queryMatchingNothingIsAnEmptyList() {
    Api.Reply r = api.get("/api/now/table/sys_user?sysparm_query=user_name=nobody.at.all");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.result().isArray()).isTrue();
    assertThat(r.result()).isEmpty();
  }

  @Test
  void v2PathWorksLikeTheDefault() {
    assertThat(api.get("/api/now/v2/table/sys_user?sysparm_query=user_name=admin").result()).hasSize(1);
  }

  @Test
  void instanceTableDescribesEveryInstanceOfTheSimulator() {
    Api.Reply r = api.get("/api/now/table/instance?sysparm_query=ORDERBYinstance_name");
    assertThat(r.result()).hasSize(2);
    assertThat(r.result().get(0).get("instance_name").asText()).isEqualTo("dev");
    assertThat(r.result().get(1).get("instance_url").asText()).isEqualTo(sim.instance("prod").url().toString());
    assertThat(r.result().get(0).get("sys_id").asText()).isEqualTo(Simulator.instanceRowId("dev"));
  }

  @Test
  void requestLogCountsPerEndpoint() {
    dev.requestLog().clear();
    api.get("/api/now/table/sys_user");
    api.get("/api/now/table/sys_user");
    api.post("/api/now/table/sys_user_group", Map.of("name", "Logged"));
    api.get("/api/now/stats/sys_user?sysparm_count=true");
    RequestLog log = dev.requestLog();
    assertThat(log.count("GET", "sys_user")).isEqualTo(2);
    assertThat(log.count("POST", "sys_user_group")).isEqualTo(1);
    assertThat(log.writes()).isEqualTo(1);
    assertThat(log.total()).isEqualTo(4);
    assertThat(log.perEndpoint()).containsEntry("GET table/sys_user", 2L).containsEntry("GET stats/sys_user", 1L);
    log.clear();
    assertThat(log.total()).isZero();
  }
}
