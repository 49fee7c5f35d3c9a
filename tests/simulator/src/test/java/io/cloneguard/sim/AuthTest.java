package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthTest {
  @RegisterExtension final SimulatorExtension sim = SimulatorExtension.instances("dev");
  SimInstance dev;

  @BeforeEach
  void start() {
    dev = sim.instance("dev");
  }

  @Test
  void noCredentialsGets401WithTheBasicChallenge() {
    Api.Reply r = new Api(dev, null, null).get("/api/now/table/sys_user");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).isEqualTo("BASIC realm=\"Service-now\"");
    assertThat(r.json().get("error").get("message").asText()).isEqualTo("User Not Authenticated");
    assertThat(r.json().get("error").get("detail").asText()).isEqualTo("Required to provide Auth information");
  }

  @Test
  void wrongPasswordGets401() {
    assertThat(new Api(dev, dev.adminUser(), "wrong").get("/api/now/table/sys_user").status()).isEqualTo(401);
  }

  @Test
  void readOnlyUserCanReadButGets403OnWrites() {
    dev.addUser("reader", "read-pw", "itil");
    Api reader = new Api(dev, "reader", "read-pw");
    assertThat(reader.get("/api/now/table/sys_user").status()).isEqualTo(200);
    Api.Reply r = reader.post("/api/now/table/sys_user_group", Map.of("name", "Nope"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("error").get("detail").asText()).contains("ACL");
    assertThat(dev.rows("sys_user_group", "name=Nope")).isEmpty();
  }

  @Test
  void userAdminMayWrite() {
    dev.addUser("svc.cloneguard", "svc-pw", "user_admin");
    assertThat(new Api(dev, "svc.cloneguard", "svc-pw").post("/api/now/table/sys_user_group", Map.of("name", "Yes")).status()).isEqualTo(201);
  }

  @Test
  void inactiveOrLockedOutUserGets401() {
    String id = dev.addUser("gone", "gone-pw", "admin");
    Api gone = new Api(dev, "gone", "gone-pw");
    assertThat(gone.get("/api/now/table/sys_user").status()).isEqualTo(200);
    dev.update("sys_user", id, Map.of("active", "false"));
    assertThat(gone.get("/api/now/table/sys_user").status()).isEqualTo(401);
    dev.update("sys_user", id, Map.of("active", "true", "locked_out", "true"));
    assertThat(gone.get("/api/now/table/sys_user").status()).isEqualTo(401);
  }

  @Test
  void passwordIsWriteOnlyAndNeedsInputDisplayValue() {
    Api admin = Api.admin(dev);
    String id = admin.post("/api/now/table/sys_user", Map.of("user_name", "newbie")).result().get("sys_id").asText();

    Api.Reply plain = admin.patch("/api/now/table/sys_user/" + id, Map.of("user_password", "Secret-1"));
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.result().get("user_password").asText()).isEmpty();
    assertThat(dev.passwordMatches("newbie", "Secret-1")).isFalse();

    Api.Reply proper = admin.patch("/api/now/table/sys_user/" + id + "?sysparm_input_display_value=true", Map.of("user_password", "Secret-2"));
    assertThat(proper.status()).isEqualTo(200);
    assertThat(proper.body()).doesNotContain("Secret-2");
    assertThat(dev.passwordMatches("newbie", "Secret-2")).isTrue();
    assertThat(new Api(dev, "newbie", "Secret-2").get("/api/now/table/sys_user?sysparm_limit=1").status()).isEqualTo(200);
    assertThat(admin.get("/api/now/table/sys_user/" + id).body()).doesNotContain("Secret-2");
    assertThat(dev.rows("sys_user", "user_name=newbie").get(0)).doesNotContainKey("user_password");
  }

  @Test
  void rolesFieldIsDerivedAndReadOnly() {
    Api admin = Api.admin(dev);
    String id = dev.addUser("derived", "pw", "itil");
    Api.Reply r = admin.patch("/api/now/table/sys_user/" + id, Map.of("roles", "admin"));
    assertThat(r.result().get("roles").asText()).isEqualTo("itil");
    assertThat(new Api(dev, "derived", "pw").post("/api/now/table/sys_user_group", Map.of("name", "x")).status()).isEqualTo(403);
  }
}
