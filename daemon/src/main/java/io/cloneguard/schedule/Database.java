package io.cloneguard.schedule;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cloneguard.config.CloneGuardConfig;
import io.cloneguard.config.ConfigException;
import io.cloneguard.config.SchedulerConfig;
import io.cloneguard.config.SecretMask;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler and workflow database: an embedded H2 file under {@code storage.dir} or the JDBC
 * database from {@code scheduler}. Creates the Quartz tables (from the scripts shipped inside the
 * Quartz jar) and CloneGuard's own tables on first start.
 */
public final class Database implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  /** Serialises first-start schema creation between daemons sharing one PostgreSQL database. */
  private static final long SCHEMA_LOCK_KEY = 0x436c6f6e65L;

  /** The SQL flavours CloneGuard knows. */
  public enum Dialect {
    H2("org/quartz/impl/jdbcjobstore/tables_h2.sql", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate"),
    POSTGRESQL("org/quartz/impl/jdbcjobstore/tables_postgres.sql", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");

    final String quartzScript;
    final String quartzDelegate;

    Dialect(String quartzScript, String quartzDelegate) {
      this.quartzScript = quartzScript;
      this.quartzDelegate = quartzDelegate;
    }
  }

  private final HikariDataSource dataSource;
  private final Dialect dialect;
  private final String description;

  private Database(HikariDataSource dataSource, Dialect dialect, String description) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.description = description;
  }

  /** Opens (creating when needed) the database the configuration names. */
  public static Database open(CloneGuardConfig config, int poolSize) {
    SchedulerConfig sc = config.scheduler();
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("cloneguard-db");
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(10_000);
    String description;
    if (sc == null || sc.store() == SchedulerConfig.Store.EMBEDDED) {
      Path dir = config.storage().dir().resolve("scheduler");
      createPrivateDir(dir);
      // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook must not close the file under a graceful stop.
      hc.setJdbcUrl("jdbc:h2:file:" + dir.resolve("cloneguard").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE");
      hc.setUsername("cloneguard");
      hc.setPassword("");
      description = "embedded H2 database " + dir.resolve("cloneguard.mv.db");
    } else {
      if (sc.url() == null || sc.url().isBlank()) {
        throw new ConfigException("scheduler.url: required when scheduler.store is jdbc (e.g. jdbc:postgresql://127.0.0.1:5432/cloneguard)");
      }
      hc.setJdbcUrl(sc.url());
      if (sc.user() != null) {
        hc.setUsername(sc.user());
      }
      if (sc.password() != null) {
        hc.setPassword(sc.password().reveal());
      }
      description = "database " + SecretMask.mask(sc.url());
    }
    Dialect dialect = dialectOf(hc.getJdbcUrl());
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new SchedulerStoreException("cannot open the " + description + ": " + SecretMask.mask(rootMessage(e))
          + " (check scheduler.url/user/password, or that no other CloneGuard process holds the embedded file)", e);
    }
    Database db = new Database(ds, dialect, description);
    try {
      db.createSchema();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return db;
  }

  static Dialect dialectOf(String url) {
    String u = url.toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:h2:")) {
      return Dialect.H2;
    }
    if (u.startsWith("jdbc:postgresql:")) {
      return Dialect.POSTGRESQL;
    }
    throw new ConfigException("scheduler.url: only H2 and PostgreSQL are supported (got " + SecretMask.mask(url) + ")");
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** For log lines and errors: never contains a password. */
  public String description() {
    return description;
  }

  private void createSchema() {
    try (Connection c = dataSource.getConnection()) {
      if (dialect == Dialect.POSTGRESQL) {
        try (Statement st = c.createStatement()) {
          st.execute("SELECT pg_advisory_lock(" + SCHEMA_LOCK_KEY + ")");
        }
      }
      try {
        if (!tableExists(c, "qrtz_locks")) {
          log.info("Creating the Quartz tables in the {}", description);
          runScript(c, loadQuartzScript());
        }
        runScript(c, WorkflowStore.SCHEMA);
      } finally {
        if (dialect == Dialect.POSTGRESQL) {
          try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_unlock(" + SCHEMA_LOCK_KEY + ")");
          }
        }
      }
    } catch (SQLException e) {
      throw new SchedulerStoreException("cannot create the CloneGuard tables in the " + description + ": " + SecretMask.mask(e.getMessage()), e);
    }
  }

  private static boolean tableExists(Connection c, String name) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    for (String n : List.of(name, name.toUpperCase(Locale.ROOT))) {
      try (ResultSet rs = md.getTables(null, null, n, null)) {
        if (rs.next()) {
          return true;
        }
      }
    }
    return false;
  }

  private String loadQuartzScript() {
    try (InputStream in = org.quartz.Scheduler.class.getClassLoader().getResourceAsStream(dialect.quartzScript)) {
      if (in == null) {
        throw new SchedulerStoreException("the Quartz jar on the class path has no " + dialect.quartzScript + "; reinstall CloneGuard", null);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SchedulerStoreException("cannot read " + dialect.quartzScript + " from the Quartz jar: " + e.getMessage(), e);
    }
  }

  /** Runs a ';'-separated script in one transaction. DROP and COMMIT lines of the Quartz scripts are skipped. */
  static void runScript(Connection c, String script) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      for (String sql : statements(script)) {
        st.execute(sql);
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  static List<String> statements(String script) {
    StringBuilder clean = new StringBuilder();
    for (String line : script.split("\n")) {
      String t = line.strip();
      if (t.startsWith("--") || t.startsWith("#")) {
        continue;
      }
      clean.append(line).append('\n');
    }
    List<String> out = new ArrayList<>();
    for (String part : clean.toString().split(";")) {
      String s = part.strip();
      String upper = s.toUpperCase(Locale.ROOT);
      // The shipped scripts start by dropping tables: never run that against a database that may hold data.
      if (s.isEmpty() || upper.startsWith("DROP ") || upper.equals("COMMIT")) {
        continue;
      }
      out.add(s);
    }
    return out;
  }

  static void createPrivateDir(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        try {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system: nothing to tighten
        }
      }
    } catch (IOException e) {
      throw new SchedulerStoreException("cannot create " + dir + ": " + e.getMessage() + " (check storage.dir and its permissions)", e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
