package io.cloneguard.servicenow;

import static io.cloneguard.servicenow.TestConfigs.basic;
import static io.cloneguard.servicenow.TestConfigs.http;
import static io.cloneguard.servicenow.TestConfigs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PagingTest {
  @StartStop final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime();

  private ServiceNowClient client(int concurrency, int pageSize) {
    return ServiceNowClients.create(basic(server), http(concurrency, pageSize, 2), new SimpleMeterRegistry(), time.runtime());
  }

  private static List<String> ids(int n) {
    return IntStream.range(0, n).mapToObj(FakeTable::id).toList();
  }

  @ParameterizedTest(name = "{0} rows at page size 10")
  @CsvSource({"0, 1", "1, 1", "10, 1", "11, 2", "35, 4"})
  void readsEveryRowOnceInSysIdOrder(int rows, int expectedRequests) {
    FakeTable table = new FakeTable().withRows(rows);
    server.setDispatcher(table);
    try (ServiceNowClient c = client(3, 10)) {
      List<Record> read = c.list(TableQuery.of("sys_user", "active=true"));
      assertThat(read).extracting(Record::sysId).containsExactlyElementsOf(ids(rows));
      assertThat(table.requests()).isEqualTo(expectedRequests);
    }
  }

  @Test
  void fetchesEachPageExactlyOnceWhenPagingInParallel() {
    FakeTable table = new FakeTable().withRows(95);
    server.setDispatcher(table);
    try (ServiceNowClient c = client(4, 10)) {
      assertThat(c.list(TableQuery.of("sys_user", ""))).hasSize(95);
    }
    assertThat(table.requestsPerOffset().keySet()).containsExactlyInAnyOrder(0, 10, 20, 30, 40, 50, 60, 70, 80, 90);
    assertThat(table.requestsPerOffset().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
  }

  @Test
  void sendsQueryOrderedBySysIdWithLimitOffsetAndPlainReferences() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .setHeader("X-Total-Count", "1").body("{\"result\":[{\"sys_id\":\"a1\"}]}").build());
    try (ServiceNowClient c = client(2, 50)) {
      c.list(TableQuery.of("sys_user", "roles=mid_server^ORDERBYDESCname").withFields("user_name"));
    }
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r.getUrl().encodedPath()).isEqualTo("/api/now/table/sys_user");
    assertThat(r.getUrl().queryParameter("sysparm_query")).isEqualTo("roles=mid_server^ORDERBYsys_id");
    assertThat(r.getUrl().queryParameter("sysparm_fields")).isEqualTo("user_name,sys_id");
    assertThat(r.getUrl().queryParameter("sysparm_limit")).isEqualTo("50");
    assertThat(r.getUrl().queryParameter("sysparm_offset")).isEqualTo("0");
    assertThat(r.getUrl().queryParameter("sysparm_exclude_reference_link")).isEqualTo("true");
  }

  @Test
  void readsSequentiallyUntilAShortPageWhenTotalIsMissing() {
    FakeTable table = new FakeTable().withRows(25).withoutTotal();
    server.setDispatcher(table);
    try (ServiceNowClient c = client(4, 10)) {
      assertThat(c.list(TableQuery.of("sys_user", ""))).extracting(Record::sysId).containsExactlyElementsOf(ids(25));
    }
    assertThat(table.requestsPerOffset().keySet()).containsExactlyInAnyOrder(0, 10, 20);
  }

  @Test
  void stopsAfterOneEmptyRequestWhenTotalIsMissingAndLastPageIsFull() {
    FakeTable table = new FakeTable().withRows(20).withoutTotal();
    server.setDispatcher(table);
    try (ServiceNowClient c = client(4, 10)) {
      assertThat(c.list(TableQuery.of("sys_user", ""))).hasSize(20);
    }
    assertThat(table.requests()).isEqualTo(3);
  }

  @Test
  void neitherRepeatsNorLosesRowsWhenRowsAreInsertedMidRead() {
    // Rows sorting before the read position shift later pages: page 2 would repeat rows, and
    // new rows past the old total must still be read.
    FakeTable table = new FakeTable().withRows(30);
    table.beforeResponse(n -> {
      if (n == 2) {
        table.add(1000); // sorts last
      }
    });
    server.setDispatcher(table);
    try (ServiceNowClient c = client(1, 10)) {
      List<String> read = c.list(TableQuery.of("sys_user", "")).stream().map(Record::sysId).toList();
      assertThat(read).doesNotHaveDuplicates();
      assertThat(read).contains(FakeTable.id(1000)).containsAll(ids(30));
    }
  }

  @Test
  void dropsRowsSeenTwiceWhenAnInsertShiftsPagesAndFetchesTheTail() {
    FakeTable table = new FakeTable();
    for (int i = 1; i <= 30; i++) {
      table.add(i);
    }
    table.beforeResponse(n -> {
      if (n == 2) {
        table.add(0); // sorts first: every later row moves one offset on
      }
    });
    server.setDispatcher(table);
    try (ServiceNowClient c = client(1, 10)) {
      List<String> read = c.list(TableQuery.of("sys_user", "")).stream().map(Record::sysId).toList();
      assertThat(read).doesNotHaveDuplicates();
      assertThat(read).containsAll(IntStream.rangeClosed(1, 30).mapToObj(FakeTable::id).toList());
    }
  }

  @Test
  void fetchesRowsThatSlidAcrossAPageBoundaryWhenRowsAreDeletedMidRead() {
    FakeTable table = new FakeTable().withRows(30);
    table.beforeResponse(n -> {
      if (n == 2) {
        table.remove(0); // row 10 slides onto page 0, which was already read
        table.remove(1);
      }
    });
    server.setDispatcher(table);
    try (ServiceNowClient c = client(1, 10)) {
      List<String> read = c.list(TableQuery.of("sys_user", "")).stream().map(Record::sysId).toList();
      assertThat(read).doesNotHaveDuplicates();
      assertThat(read).containsAll(IntStream.range(2, 30).mapToObj(FakeTable::id).toList());
    }
    assertThat(table.queries()).anyMatch(q -> q.contains("sys_id>") && q.contains("sys_id<"));
  }

  @Test
  void callsTheSinkFromOneThreadAtATime() {
    FakeTable table = new FakeTable().withRows(200);
    server.setDispatcher(table);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    try (ServiceNowClient c = client(4, 10)) {
      c.forEach(TableQuery.of("sys_user", ""), r -> {
        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
        threads.add(Thread.currentThread());
        inside.decrementAndGet();
      });
    }
    assertThat(maxInside.get()).isEqualTo(1);
    assertThat(threads).containsExactly(Thread.currentThread());
  }

  @Test
  void rowFailingTheGuardIsAnErrorNamingTableAndQuery() {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").setHeader("X-Total-Count", "2")
        .body("{\"result\":[{\"sys_id\":\"a1\",\"roles\":\"mid_server\"},{\"sys_id\":\"a2\",\"roles\":\"admin\"}]}").build());
    List<Record> seen = new ArrayList<>();
    try (ServiceNowClient c = client(2, 10)) {
      TableQuery q = TableQuery.of("sys_user", "rolez=mid_server")
          .requireEach("user holds mid_server", r -> r.get("roles").contains("mid_server"));
      assertThatThrownBy(() -> c.forEach(q, seen::add))
          .isInstanceOf(ServiceNowException.UnexpectedRow.class)
          .hasMessageContaining("sys_user").hasMessageContaining("rolez=mid_server")
          .hasMessageContaining("user holds mid_server").hasMessageContaining("a2");
    }
    assertThat(seen).extracting(Record::sysId).containsExactly("a1");
  }

  @Test
  void keepsUnicodeValuesAndUnwrapsReferencesAndDisplayValues() {
    server.enqueue(json("{\"result\":[{\"sys_id\":\"a1\",\"name\":\"Zoë 東京 🚀\",\"active\":true,"
        + "\"manager\":{\"link\":\"https://x/api/now/table/sys_user/m1\",\"value\":\"m1\"},"
        + "\"state\":{\"display_value\":\"Canceled\",\"value\":\"canceled\"},\"empty\":\"\",\"gone\":null}]}"));
    try (ServiceNowClient c = client(2, 10)) {
      Record r = c.list(TableQuery.of("sys_user", "").withDisplayValues()).get(0);
      assertThat(r.get("name")).isEqualTo("Zoë 東京 🚀");
      assertThat(r.get("active")).isEqualTo("true");
      assertThat(r.get("manager")).isEqualTo("m1");
      assertThat(r.get("state")).isEqualTo("canceled");
      assertThat(r.display("state")).isEqualTo("Canceled");
      assertThat(r.get("gone")).isEmpty();
      assertThat(r.table()).isEqualTo("sys_user");
    }
  }

  @Test
  void pagesByWhatTheInstanceReturnsWhenItCapsThePageSize() {
    // 25 rows, but the instance never returns more than 10 per request.
    FakeTable table = new FakeTable().withRows(25);
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String limit = request.getUrl().queryParameter("sysparm_limit");
        var url = request.getUrl().newBuilder().setQueryParameter("sysparm_limit", String.valueOf(Math.min(10, Integer.parseInt(limit)))).build();
        return table.dispatch(new RecordedRequest(0, 0, null, List.of(), request.getMethod(), request.getTarget(), "HTTP/1.1",
            url, request.getHeaders(), okio.ByteString.EMPTY, 0, List.of(), null));
      }
    });
    try (ServiceNowClient c = client(2, 100)) {
      assertThat(c.list(TableQuery.of("sys_user", ""))).extracting(Record::sysId).containsExactlyElementsOf(ids(25));
    }
  }
}
