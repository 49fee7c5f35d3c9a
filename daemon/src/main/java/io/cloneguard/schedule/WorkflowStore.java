package io.cloneguard.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Clone workflows, their transition history and the watchers' cursors, in the same database as
 * the Quartz tables. Every change is one short transaction; a state change is a compare-and-set on
 * the {@code version} column, so when two daemons share the database only one of them advances a
 * workflow and the other sees {@link #update} return false.
 */
public final class WorkflowStore {
  static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS CG_WORKFLOW (
        ID VARCHAR(200) NOT NULL PRIMARY KEY,
        TARGET VARCHAR(100) NOT NULL,
        SOURCE VARCHAR(100),
        CLONE_SYS_ID VARCHAR(64),
        KIND VARCHAR(20) NOT NULL,
        STATE VARCHAR(30) NOT NULL,
        CLONE_STATE VARCHAR(60),
        CLONE_SCHEDULED_MS BIGINT,
        SNAPSHOT_REF VARCHAR(200),
        SNAPSHOT_FALLBACK BOOLEAN NOT NULL,
        SNAPSHOT_REFRESHED BOOLEAN NOT NULL,
        SETTLE_POLLS INTEGER NOT NULL,
        GAPS INTEGER NOT NULL,
        WRITES INTEGER NOT NULL,
        VERDICT VARCHAR(4000),
        REASON VARCHAR(4000),
        CREATED_MS BIGINT NOT NULL,
        STATE_SINCE_MS BIGINT NOT NULL,
        UPDATED_MS BIGINT NOT NULL,
        NODE VARCHAR(200),
        VERSION BIGINT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS CG_WORKFLOW_TARGET ON CG_WORKFLOW (TARGET, STATE);
      CREATE TABLE IF NOT EXISTS CG_TRANSITION (
        WORKFLOW_ID VARCHAR(200) NOT NULL,
        SEQ BIGINT NOT NULL,
        FROM_STATE VARCHAR(30),
        TO_STATE VARCHAR(30) NOT NULL,
        AT_MS BIGINT NOT NULL,
        NODE VARCHAR(200),
        DETAIL VARCHAR(4000),
        PRIMARY KEY (WORKFLOW_ID, SEQ)
      );
      CREATE TABLE IF NOT EXISTS CG_CURSOR (
        NAME VARCHAR(200) NOT NULL PRIMARY KEY,
        VAL VARCHAR(200) NOT NULL
      );
      """;

  private static final String COLUMNS =
      "ID, TARGET, SOURCE, CLONE_SYS_ID, KIND, STATE, CLONE_STATE, CLONE_SCHEDULED_MS, SNAPSHOT_REF, SNAPSHOT_FALLBACK,"
          + " SNAPSHOT_REFRESHED, SETTLE_POLLS, GAPS, WRITES, VERDICT, REASON, CREATED_MS, STATE_SINCE_MS, UPDATED_MS, NODE, VERSION";

  /** One row of the transition history. */
  public record Transition(String workflowId, long seq, WorkflowState from, WorkflowState to, Instant at, String node, String detail) {}

  private final DataSource ds;

  public WorkflowStore(DataSource ds) {
    this.ds = ds;
  }

  /** Inserts the workflow unless one with its id exists; true when this call created it. */
  public boolean insertIfAbsent(Workflow w, String detail) {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (find(c, w.id()).isPresent()) {
          c.rollback();
          return false;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO CG_WORKFLOW (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
          bind(ps, w, 0);
          ps.executeUpdate();
        }
        insertTransition(c, w.id(), null, w.state(), w.stateSince(), w.node(), detail);
        c.commit();
        return true;
      } catch (SQLException e) {
        c.rollback();
        if (isDuplicate(e)) {
          return false; // another daemon inserted it between our read and write
        }
        throw e;
      }
    } catch (SQLException e) {
      throw fail("insert workflow " + w.id(), e);
    }
  }

  /**
   * Writes {@code next} if the stored row still has {@code next.version()}; records a transition when
   * the state changed. Returns false (and writes nothing) when someone else changed the row first.
   */
  public boolean update(Workflow next, WorkflowState previousState, String detail) {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        int n;
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE CG_WORKFLOW SET STATE=?, CLONE_STATE=?, CLONE_SCHEDULED_MS=?, SNAPSHOT_REF=?, SNAPSHOT_FALLBACK=?, SNAPSHOT_REFRESHED=?,"
                + " SETTLE_POLLS=?, GAPS=?, WRITES=?, VERDICT=?, REASON=?, STATE_SINCE_MS=?, UPDATED_MS=?, NODE=?, VERSION=VERSION+1"
                + " WHERE ID=? AND VERSION=?")) {
          int i = 0;
          ps.setString(++i, next.state().name());
          ps.setString(++i, next.cloneState());
          setMillis(ps, ++i, next.cloneScheduled());
          ps.setString(++i, next.snapshotRef());
          ps.setBoolean(++i, next.snapshotFallback());
          ps.setBoolean(++i, next.snapshotRefreshed());
          ps.setInt(++i, next.settlePolls());
          ps.setInt(++i, next.gaps());
          ps.setInt(++i, next.writes());
          ps.setString(++i, truncate(next.verdict()));
          ps.setString(++i, truncate(next.reason()));
          ps.setLong(++i, next.stateSince().toEpochMilli());
          ps.setLong(++i, next.updated().toEpochMilli());
          ps.setString(++i, next.node());
          ps.setString(++i, next.id());
          ps.setLong(++i, next.version());
          n = ps.executeUpdate();
        }
        if (n == 1 && previousState != next.state()) {
          insertTransition(c, next.id(), previousState, next.state(), next.stateSince(), next.node(), detail);
        }
        c.commit();
        return n == 1;
      } catch (SQLException e) {
        c.rollback();
        if (isDuplicate(e)) {
          return false; // two daemons raced on the same transition: the other one won
        }
        throw e;
      }
    } catch (SQLException e) {
      throw fail("update workflow " + next.id(), e);
    }
  }

  public Optional<Workflow> find(String id) {
    try (Connection c = ds.getConnection()) {
      return find(c, id);
    } catch (SQLException e) {
      throw fail("read workflow " + id, e);
    }
  }

  /** Workflows not yet DONE, CANCELED or FAILED, oldest first; {@code target} null for all instances. */
  public List<Workflow> unfinished(String target) {
    String where = "STATE NOT IN ('DONE','CANCELED','FAILED')" + (target == null ? "" : " AND TARGET=?");
    return query("SELECT " + COLUMNS + " FROM CG_WORKFLOW WHERE " + where + " ORDER BY CREATED_MS, ID", target);
  }

  /** Every workflow of one target (or all, when null), newest first. */
  public List<Workflow> all(String target) {
    String where = target == null ? "1=1" : "TARGET=?";
    return query("SELECT " + COLUMNS + " FROM CG_WORKFLOW WHERE " + where + " ORDER BY CREATED_MS DESC, ID", target);
  }

  /** Workflows that ended (or changed) at or after {@code since}, newest first. */
  public List<Workflow> updatedSince(Instant since) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM CG_WORKFLOW WHERE UPDATED_MS>=? ORDER BY UPDATED_MS DESC, ID")) {
      ps.setLong(1, since.toEpochMilli());
      return read(ps);
    } catch (SQLException e) {
      throw fail("list workflows", e);
    }
  }

  public List<Transition> transitions(String workflowId) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT WORKFLOW_ID, SEQ, FROM_STATE, TO_STATE, AT_MS, NODE, DETAIL FROM CG_TRANSITION WHERE WORKFLOW_ID=? ORDER BY SEQ")) {
      ps.setString(1, workflowId);
      List<Transition> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String from = rs.getString(3);
          out.add(new Transition(rs.getString(1), rs.getLong(2), from == null ? null : WorkflowState.valueOf(from),
              WorkflowState.valueOf(rs.getString(4)), Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getString(7)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw fail("read transitions of " + workflowId, e);
    }
  }

  public Optional<String> cursor(String name) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT VAL FROM CG_CURSOR WHERE NAME=?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw fail("read cursor " + name, e);
    }
  }

  public void saveCursor(String name, String value) {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement up = c.prepareStatement("UPDATE CG_CURSOR SET VAL=? WHERE NAME=?")) {
        up.setString(1, value);
        up.setString(2, name);
        if (up.executeUpdate() == 0) {
          try (PreparedStatement ins = c.prepareStatement("INSERT INTO CG_CURSOR (NAME, VAL) VALUES (?,?)")) {
            ins.setString(1, name);
            ins.setString(2, value);
            ins.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        if (!isDuplicate(e)) {
          throw e;
        }
      }
    } catch (SQLException e) {
      throw fail("save cursor " + name, e);
    }
  }

  private List<Workflow> query(String sql, String param) {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (param != null) {
        ps.setString(1, param);
      }
      return read(ps);
    } catch (SQLException e) {
      throw fail("list workflows", e);
    }
  }

  private static Optional<Workflow> find(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM CG_WORKFLOW WHERE ID=?")) {
      ps.setString(1, id);
      return read(ps).stream().findFirst();
    }
  }

  private static List<Workflow> read(PreparedStatement ps) throws SQLException {
    List<Workflow> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long sched = rs.getLong(8);
        Instant scheduled = rs.wasNull() ? null : Instant.ofEpochMilli(sched);
        out.add(new Workflow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), WorkflowKind.valueOf(rs.getString(5)),
            WorkflowState.valueOf(rs.getString(6)), rs.getString(7), scheduled, rs.getString(9), rs.getBoolean(10), rs.getBoolean(11),
            rs.getInt(12), rs.getInt(13), rs.getInt(14), rs.getString(15), rs.getString(16), Instant.ofEpochMilli(rs.getLong(17)),
            Instant.ofEpochMilli(rs.getLong(18)), Instant.ofEpochMilli(rs.getLong(19)), rs.getString(20), rs.getLong(21)));
      }
    }
    return out;
  }

  private static void bind(PreparedStatement ps, Workflow w, int offset) throws SQLException {
    int i = offset;
    ps.setString(++i, w.id());
    ps.setString(++i, w.target());
    ps.setString(++i, w.source());
    ps.setString(++i, w.cloneSysId());
    ps.setString(++i, w.kind().name());
    ps.setString(++i, w.state().name());
    ps.setString(++i, w.cloneState());
    setMillis(ps, ++i, w.cloneScheduled());
    ps.setString(++i, w.snapshotRef());
    ps.setBoolean(++i, w.snapshotFallback());
    ps.setBoolean(++i, w.snapshotRefreshed());
    ps.setInt(++i, w.settlePolls());
    ps.setInt(++i, w.gaps());
    ps.setInt(++i, w.writes());
    ps.setString(++i, truncate(w.verdict()));
    ps.setString(++i, truncate(w.reason()));
    ps.setLong(++i, w.created().toEpochMilli());
    ps.setLong(++i, w.stateSince().toEpochMilli());
    ps.setLong(++i, w.updated().toEpochMilli());
    ps.setString(++i, w.node());
    ps.setLong(++i, w.version());
  }

  private static void insertTransition(Connection c, String id, WorkflowState from, WorkflowState to, Instant at, String node, String detail)
      throws SQLException {
    long seq;
    try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(SEQ), 0) FROM CG_TRANSITION WHERE WORKFLOW_ID=?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        seq = rs.getLong(1) + 1;
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO CG_TRANSITION (WORKFLOW_ID, SEQ, FROM_STATE, TO_STATE, AT_MS, NODE, DETAIL) VALUES (?,?,?,?,?,?,?)")) {
      ps.setString(1, id);
      ps.setLong(2, seq);
      ps.setString(3, from == null ? null : from.name());
      ps.setString(4, to.name());
      ps.setLong(5, at.toEpochMilli());
      ps.setString(6, node);
      ps.setString(7, truncate(detail));
      ps.executeUpdate();
    }
  }

  private static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, t.toEpochMilli());
    }
  }

  private static String truncate(String s) {
    return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
  }

  private static boolean isDuplicate(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("23"); // integrity constraint violation (H2 23505, PostgreSQL 23505)
  }

  private static SchedulerStoreException fail(String what, SQLException e) {
    return new SchedulerStoreException("workflow database: cannot " + what + ": " + e.getMessage(), e);
  }
}
