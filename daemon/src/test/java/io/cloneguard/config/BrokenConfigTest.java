package io.cloneguard.config;

import static io.cloneguard.config.ConfigFiles.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each broken configuration gives exactly one line naming file, line, key path and what to do. */
class BrokenConfigTest {
  @TempDir Path dir;

  static Stream<Arguments> brokenConfigs() {
    return Stream.of(
        broken("misspelt top-level key", BASE + "storag:\n  dir: /x\n",
            "cloneguard.yaml:5: storag: unknown key; did you mean storage?"),
        broken("misspelt instance key", BASE + "    watchCloneRequest: true\n",
            "cloneguard.yaml:5: instances[0].watchCloneRequest: unknown key; did you mean watchCloneRequests?"),
        broken("snake_case key", BASE + "http:\n  page_size: 100\n",
            "cloneguard.yaml:6: http.page_size: unknown key; did you mean pageSize?"),
        broken("unknown key without a near match", BASE + "metrics:\n  colour: blue\n",
            "cloneguard.yaml:6: metrics.colour: unknown key; expected one of: listen"),
        broken("no instances", "storage:\n  dir: /srv/cloneguard\n",
            "cloneguard.yaml: instances: missing; list at least one ServiceNow instance (see config/cloneguard.example.yaml)"),
        broken("empty instance list", "instances: []\n",
            "cloneguard.yaml:1: instances: is empty; list at least one ServiceNow instance"),
        broken("instances as a mapping", "instances:\n  dev: https://dev.example.com\n",
            "cloneguard.yaml:1: instances: must be a list (got a mapping)"),
        broken("instance given as a plain name", "instances: [dev]\n",
            "cloneguard.yaml:1: instances[0]: must be a mapping of keys to values (got dev)"),
        broken("auth given as a word", BASE.replace("{ type: basic, username: svc_cloneguard, password: base-password-1 }", "basic"),
            "cloneguard.yaml:4: instances[0].auth: must be a mapping of keys to values (got basic)"),
        broken("file is a list", "- name: dev\n",
            "cloneguard.yaml:1: the file must be a mapping of keys like storage: and instances: (see config/cloneguard.example.yaml)"),
        broken("upper-case name", BASE.replace("name: dev", "name: Dev"),
            "cloneguard.yaml:2: instances[0].name: must match [a-z0-9-]+ (got Dev)"),
        broken("missing name", BASE.replace("- name: dev\n    url", "- url"),
            "cloneguard.yaml:2: instances[0].name: missing; give the instance a short name like dev ([a-z0-9-]+)"),
        broken("duplicate name", BASE + BASE.replace("instances:\n", ""),
            "cloneguard.yaml:5: instances[1].name: duplicate instance name dev (also instances[0]); names must be unique"),
        broken("plain http to a remote host", BASE.replace("https://dev.example.com", "http://dev.example.com"),
            "cloneguard.yaml:3: instances[0].url: must use https (got http://dev.example.com)"),
        broken("url without scheme", BASE.replace("https://dev.example.com", "dev.example.com"),
            "cloneguard.yaml:3: instances[0].url: must be an absolute URL like https://acme.service-now.com (got dev.example.com)"),
        broken("credentials in the url", BASE.replace("https://dev.example.com", "https://admin:hunter2@dev.example.com"),
            "cloneguard.yaml:3: instances[0].url: must not contain a user name or password; put them under auth"),
        broken("ftp url", BASE.replace("https://dev.example.com", "ftp://dev.example.com"),
            "cloneguard.yaml:3: instances[0].url: must use https (got ftp://dev.example.com)"),
        broken("missing url", BASE.replace("    url: https://dev.example.com\n", ""),
            "cloneguard.yaml:2: instances[0].url: missing; give the instance address like https://acme.service-now.com"),
        broken("missing auth", BASE.replace("    auth: { type: basic, username: svc_cloneguard, password: base-password-1 }\n", ""),
            "cloneguard.yaml:2: instances[0].auth: missing; give auth: {type: basic, username: ..., password: ...} or type oauth"),
        broken("unknown auth type", BASE.replace("type: basic", "type: kerberos"),
            "cloneguard.yaml:4: instances[0].auth.type: must be basic or oauth (got kerberos)"),
        broken("basic without password", BASE.replace(", password: base-password-1", ""),
            "cloneguard.yaml:4: instances[0].auth.password: missing; basic auth needs it"),
        broken("oauth without client secret", BASE.replace("type: basic, username: svc_cloneguard, password: base-password-1", "type: oauth, clientId: abc123"),
            "cloneguard.yaml:4: instances[0].auth.clientSecret: missing; oauth auth needs it"),
        broken("oauth username without password",
            BASE.replace("type: basic, username: svc_cloneguard, password: base-password-1", "type: oauth, clientId: abc123, clientSecret: cs-1234, username: svc"),
            "cloneguard.yaml:4: instances[0].auth.password: missing; the oauth password grant needs both username and password (or neither, for client_credentials)"),
        broken("client id with basic auth", BASE.replace("type: basic,", "type: basic, clientId: abc123,"),
            "cloneguard.yaml:4: instances[0].auth.clientId: is only used with type oauth; remove it or set type: oauth"),
        broken("unknown policy", BASE + "    policy: fix-it\n",
            "cloneguard.yaml:5: instances[0].policy: must be restore or alert-only (got fix-it)"),
        broken("no mid roles", BASE + "    midRoles: []\n",
            "cloneguard.yaml:5: instances[0].midRoles: must name at least one role (default [mid_server])"),
        broken("mid roles not a list", BASE + "    midRoles: mid_server\n",
            "cloneguard.yaml:5: instances[0].midRoles: must be a list like [a, b] (got mid_server)"),
        broken("blank mid role", BASE + "    midRoles: [mid_server, \"\"]\n",
            "cloneguard.yaml:5: instances[0].midRoles[1]: must be a non-empty text value"),
        broken("boolean spelt yes please", BASE + "    guard: yes please\n",
            "cloneguard.yaml:5: instances[0].guard: must be true or false (got yes please)"),
        broken("storage as a list", BASE + "storage: [/var/lib/cloneguard]\n",
            "cloneguard.yaml:5: storage: must be a mapping of keys to values (got a list)"),
        broken("keep no snapshots", BASE + "storage: { keepPerInstance: 0 }\n",
            "cloneguard.yaml:5: storage.keepPerInstance: must be between 1 and 10000 (got 0)"),
        broken("page size too big", BASE + "http:\n  pageSize: 10001\n",
            "cloneguard.yaml:6: http.pageSize: must be between 1 and 10000 (got 10001)"),
        broken("concurrency not a number", BASE + "http:\n  concurrency: four\n",
            "cloneguard.yaml:6: http.concurrency: must be a whole number (got four)"),
        broken("too many retries", BASE + "http:\n  maxRetries: 21\n",
            "cloneguard.yaml:6: http.maxRetries: must be between 0 and 20 (got 21)"),
        broken("unknown duration unit", BASE + "http:\n  connectTimeout: 30x\n",
            "cloneguard.yaml:6: http.connectTimeout: must be a duration like 500ms, 30s, 5m or 1h (got 30x)"),
        broken("zero timeout", BASE + "http:\n  requestTimeout: 0s\n",
            "cloneguard.yaml:6: http.requestTimeout: must be longer than 0 (got 0s)"),
        broken("zero request rate", BASE + "http:\n  maxRequestsPerSecond: 0\n",
            "cloneguard.yaml:6: http.maxRequestsPerSecond: must be greater than 0 and at most 10000 (got 0)"),
        broken("socks proxy", BASE + "http:\n  proxy: socks5://proxy.example.com:1080\n",
            "cloneguard.yaml:6: http.proxy: must be an http:// or https:// URL (got socks5://proxy.example.com:1080)"),
        broken("proxy with credentials", BASE + "http:\n  proxy: http://me:pw1234@proxy.example.com:3128\n",
            "cloneguard.yaml:6: http.proxy: must not contain a user name or password"),
        broken("trust store that is not there", BASE + "http:\n  trustStore: /nonexistent/corp-ca.p12\n",
            "cloneguard.yaml:6: http.trustStore: cannot read /nonexistent/corp-ca.p12; give a readable PKCS12 file or remove the key"),
        broken("trust store password without trust store", BASE + "http:\n  trustStorePassword: changeit-1\n",
            "cloneguard.yaml:6: http.trustStorePassword: is set but trustStore is not; set trustStore or remove it"),
        broken("five-field cron", BASE + "schedule:\n  baselineSnapshot: \"0 2 * * *\"\n",
            "cloneguard.yaml:6: schedule.baselineSnapshot: must be a Quartz cron expression like \"0 0 2 * * ?\" "
                + "(seconds minutes hours day-of-month month day-of-week; got 0 2 * * *)"),
        broken("no settle polls", BASE + "schedule:\n  settlePolls: 0\n",
            "cloneguard.yaml:6: schedule.settlePolls: must be between 1 and 100 (got 0)"),
        broken("unknown scheduler store", BASE + "scheduler:\n  store: mongo\n",
            "cloneguard.yaml:6: scheduler.store: must be embedded or jdbc (got mongo)"),
        broken("jdbc store without url", BASE + "scheduler:\n  store: jdbc\n",
            "cloneguard.yaml:5: scheduler.url: missing; store jdbc needs a JDBC URL like jdbc:postgresql://db.example.com/cloneguard"),
        broken("jdbc url on the embedded store", BASE + "scheduler:\n  url: jdbc:h2:mem:x\n",
            "cloneguard.yaml:6: scheduler.url: is only used with store jdbc; remove it or set store: jdbc"),
        broken("listen without host", BASE + "metrics:\n  listen: \"9464\"\n",
            "cloneguard.yaml:6: metrics.listen: must be host:port like 127.0.0.1:9464 (port 0 picks a free port; got 9464)"),
        broken("port out of range", BASE + "metrics:\n  listen: \"0.0.0.0:99999\"\n",
            "cloneguard.yaml:6: metrics.listen: must be host:port like 127.0.0.1:9464 (port 0 picks a free port; got 0.0.0.0:99999)"),
        broken("table name with spaces", BASE + "cloneRequests:\n  table: Clone Instance\n",
            "cloneguard.yaml:6: cloneRequests.table: must be a table or field name like clone_instance ([a-z0-9_]+, got Clone Instance)"),
        broken("misspelt field mapping", BASE + "cloneRequests:\n  fields:\n    targetInstanse: u_target\n",
            "cloneguard.yaml:7: cloneRequests.fields.targetInstanse: unknown key; did you mean targetInstance?"),
        broken("key given twice", BASE + "http:\n  pageSize: 100\n  pageSize: 200\n",
            "cloneguard.yaml:7: http.pageSize: key given twice (YAML keeps only the last); remove one"),
        broken("YAML syntax error", "instances:\n  - name: [dev\n",
            "cloneguard.yaml:3: not valid YAML: expected ',' or ']', but got <stream end> (while parsing a flow sequence)"),
        broken("empty file", "# nothing yet\n",
            "cloneguard.yaml: the file is empty; it needs at least an instances list (see config/cloneguard.example.yaml)"),
        broken("unset environment variable", BASE.replace("base-password-1", "\"${env:CG_DEV_PASSWORD}\""),
            "cloneguard.yaml:4: instances[0].auth.password: environment variable CG_DEV_PASSWORD is not set (referenced as ${env:CG_DEV_PASSWORD})"),
        broken("unknown reference kind", BASE.replace("base-password-1", "\"${vault:secret/dev}\""),
            "cloneguard.yaml:4: instances[0].auth.password: unknown reference ${vault:...}; use ${env:NAME} or ${file:PATH}"),
        broken("unclosed reference", BASE.replace("base-password-1", "\"${env:CG_DEV_PASSWORD\""),
            "cloneguard.yaml:4: instances[0].auth.password: unclosed ${ (a reference ends with }); write $${ for a literal ${"),
        broken("password as a mapping", BASE.replace("password: base-password-1", "password: { value: base-password-2 }"),
            "cloneguard.yaml:4: instances[0].auth.password: must be a single value (got a mapping)"));
  }

  private static Arguments broken(String scenario, String yaml, String expectedProblem) {
    return Arguments.of(scenario, yaml, expectedProblem);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenConfigs")
  void reportsExactlyOneLineNamingFileLineAndKey(String scenario, String yaml, String expectedProblem) {
    Path file = ConfigFiles.write(dir, yaml);

    assertThat(ConfigFiles.problemsOf(file, Map.of())).containsExactly(expectedProblem);
  }
}
