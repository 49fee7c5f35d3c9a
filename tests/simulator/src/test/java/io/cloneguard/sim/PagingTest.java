package io.cloneguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PagingTest {
  @RegisterExtension final SimulatorExtension sim = SimulatorExtension.instances("dev");
  SimInstance dev;
  Api api;

  @BeforeEach
  void start() {
    dev = sim.instance("dev");
    api = Api.admin(dev);
  }

  private void rows(int n) {
    for (int i = 0; i < n; i++) {
      dev.put("u_item", Map.of("u_n", String.valueOf(i)));
    }
  }

  @Test
  void emptyTableGivesEmptyResultWithZeroCount() {
    Api.Reply r = api.get("/api/now/table/u_item?sysparm_limit=5");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.result()).isEmpty();
    assertThat(r.header("X-Total-Count")).isEqualTo("0");
    assertThat(r.header("Link")).contains("rel=\"first\"").doesNotContain("rel=\"next\"");
  }

  @Test
  void oneRowIsOnePage() {
    rows(1);
    Api.Reply r = api.get("/api/now/table/u_item?sysparm_limit=5");
    assertThat(r.result()).hasSize(1);
    assertThat(r.header("X-Total-Count")).isEqualTo("1");
    assertThat(r.header("Link")).doesNotContain("rel=\"next\"");
    assertThat(rel(r.header("Link"), "last")).contains("sysparm_offset=0");
  }

  /** The URL of one relation of a Link header. */
  static String rel(String link, String rel) {
    for (String part : link.split(",")) {
      if (part.endsWith(";rel=\"" + rel + "\"")) {
        return part.substring(part.indexOf('<') + 1, part.indexOf('>'));
      }
    }
    return null;
  }

  @Test
  void exactlyOnePageHasNoNext() {
    rows(5);
    Api.Reply r = api.get("/api/now/table/u_item?sysparm_limit=5");
    assertThat(r.result()).hasSize(5);
    assertThat(r.header("Link")).doesNotContain("rel=\"next\"");
    assertThat(rel(r.header("Link"), "last")).contains("sysparm_offset=0").contains("sysparm_limit=5");
  }

  @Test
  void onePagePlusOneHasANextPageWithTheLastRow() {
    rows(6);
    Api.Reply first = api.get("/api/now/table/u_item?sysparm_limit=5&sysparm_query=ORDERBYsys_id");
    assertThat(first.result()).hasSize(5);
    assertThat(first.header("X-Total-Count")).isEqualTo("6");
    String link = first.header("Link");
    assertThat(rel(link, "next")).startsWith(dev.url() + "/api/now/table/u_item?").contains("sysparm_query=ORDERBYsys_id")
        .contains("sysparm_offset=5").contains("sysparm_limit=5");
    assertThat(rel(link, "last")).contains("sysparm_offset=5");
    assertThat(rel(link, "first")).contains("sysparm_offset=0");
    Api.Reply second = api.get("/api/now/table/u_item?sysparm_limit=5&sysparm_offset=5&sysparm_query=ORDERBYsys_id");
    assertThat(second.result()).hasSize(1);
    assertThat(second.header("Link")).contains("rel=\"prev\"").doesNotContain("rel=\"next\"");
    Set<String> ids = new HashSet<>();
    first.result().forEach(n -> ids.add(n.get("sys_id").asText()));
    second.result().forEach(n -> ids.add(n.get("sys_id").asText()));
    assertThat(ids).hasSize(6);
  }

  @Test
  void offsetPastTheEndIsEmpty() {
    rows(3);
    Api.Reply r = api.get("/api/now/table/u_item?sysparm_offset=10");
    assertThat(r.result()).isEmpty();
    assertThat(r.header("X-Total-Count")).isEqualTo("3");
  }

  @Test
  void noCountLeavesOutTheTotalButStillLinksTheNextPage() {
    rows(3);
    Api.Reply r = api.get("/api/now/table/u_item?sysparm_limit=2&sysparm_no_count=true");
    assertThat(r.result()).hasSize(2);
    assertThat(r.header("X-Total-Count")).isNull();
    assertThat(r.header("Link")).contains("rel=\"next\"").doesNotContain("rel=\"last\"");
  }

  @Test
  void limitAboveTheMaximumIsCappedAndBadLimitIs400() {
    rows(2);
    assertThat(api.get("/api/now/table/u_item?sysparm_limit=50000").result()).hasSize(2);
    Api.Reply bad = api.get("/api/now/table/u_item?sysparm_limit=-1");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("status").asText()).isEqualTo("failure");
  }

  @Test
  void aggregateApiCountsWithTheSameQueryLanguage() {
    rows(7);
    Api.Reply r = api.get("/api/now/stats/u_item?sysparm_count=true&sysparm_query=" + Api.q("u_nIN1,2,3"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.result().get("stats").get("count").asText()).isEqualTo("3");
    assertThat(api.get("/api/now/stats/u_item?sysparm_count=true").result().get("stats").get("count").asText()).isEqualTo("7");
    assertThat(dev.requestLog().statsCount("u_item")).isEqualTo(2);
  }
}
