package io.cloneguard.servicenow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
  private static ByteArrayInputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void skipsOtherEnvelopeFieldsAndFlattensDotWalkedAndNestedValues() throws IOException {
    List<Record> rows = new ArrayList<>();
    RecordJson.readList(in("{\"meta\":{\"x\":[1,2]},\"result\":[{\"sys_id\":\"a\",\"user.user_name\":\"mid.dev\","
        + "\"sys_domain\":{\"link\":\"https://i/api/now/table/sys_user_group/global\",\"value\":\"global\"},"
        + "\"count\":3,\"tags\":[\"x\",\"y\"],\"nested\":{\"k\":\"v\"}}]}"), "sys_user_grmember", rows::add);
    Record r = rows.get(0);
    assertThat(r.get("user.user_name")).isEqualTo("mid.dev");
    assertThat(r.get("sys_domain")).isEqualTo("global");
    assertThat(r.get("count")).isEqualTo("3");
    assertThat(r.get("tags")).isEqualTo("x,y");
    assertThat(r.get("nested.k")).isEqualTo("v");
  }

  @Test
  void readsTheAggregateCountAndRejectsANonNumber() throws IOException {
    assertThat(RecordJson.readCount(in("{\"result\":{\"stats\":{\"count\":\"12\"}}}"))).isEqualTo(12);
    assertThatThrownBy(() -> RecordJson.readCount(in("{\"result\":{\"stats\":{}}}"))).isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void rejectsAResultThatIsNotAList() {
    assertThatThrownBy(() -> RecordJson.readList(in("{\"result\":{\"sys_id\":\"a\"}}"), "t", r -> {}))
        .isInstanceOf(JsonProcessingException.class).hasMessageContaining("not an array");
  }

  @Test
  void extractsTheErrorEnvelopeMessage() {
    byte[] body = "{\"error\":{\"message\":\"No Record found\",\"detail\":\"ACL restricts\"},\"status\":\"failure\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(RecordJson.errorMessage(body)).isEqualTo("No Record found (ACL restricts)");
    assertThat(RecordJson.errorMessage("<html>".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }
}
