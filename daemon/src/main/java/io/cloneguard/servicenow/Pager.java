package io.cloneguard.servicenow;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every row of a query page by page. Page 0 tells the total ({@code X-Total-Count}); the
 * remaining pages are then fetched in parallel, at most {@code concurrency} at a time, and handed
 * to the sink in order on the caller's thread. At most {@code 2 * concurrency + 1} pages are held,
 * so memory does not grow with the table. Without a total the pages are read one after another
 * until a short page.
 *
 * <p>If the table changes during the read (a later page reports another total), offsets shift:
 * rows seen twice are dropped (the sys_ids of the last two pages are remembered), rows that slid
 * across a page boundary are fetched by a {@code sys_id} range query, and rows beyond the old
 * total are read sequentially.
 */
final class Pager {
  private static final Logger LOG = LoggerFactory.getLogger(Pager.class);

  /** One page as the instance returned it; {@code total} is -1 when X-Total-Count was missing. */
  record Page(List<Record> rows, long total) {}

  /** Fetches one page of an encoded query (already ordered by sys_id). */
  @FunctionalInterface
  interface Source {
    Page fetch(String query, int offset, int limit);
  }

  private final String instance;
  private final int pageSize;
  private final int concurrency;
  private final ExecutorService pool;
  private final Source source;

  Pager(String instance, int pageSize, int concurrency, ExecutorService pool, Source source) {
    this.instance = instance;
    this.pageSize = pageSize;
    this.concurrency = concurrency;
    this.pool = pool;
    this.source = source;
  }

  void forEach(TableQuery q, Consumer<Record> sink) {
    String query = Queries.orderedBySysId(q.query());
    Delivery out = new Delivery(q, query, sink);
    Page first = source.fetch(query, 0, pageSize);
    out.deliver(first.rows(), false);
    long total = first.total();
    int size = first.rows().size();
    if (size == 0 || (size < pageSize && (total < 0 || size >= total))) {
      return;
    }
    int step = pageSize;
    if (size < pageSize) {
      // The instance caps rows per request below http.pageSize (e.g. glide.json.return_limit).
      LOG.warn("{}: {} returned {} rows for sysparm_limit={} although {} match; paging by {}",
          instance, q.table(), size, pageSize, total, size);
      step = size;
    }
    if (total < 0) {
      sequential(out, query, step, step, false);
      return;
    }
    boolean changed = parallel(out, query, step, total);
    if (changed) {
      long end = ((total + step - 1) / step) * step;
      LOG.info("{}: {} changed while it was read (X-Total-Count moved from {}); reading on from offset {}",
          instance, q.table(), total, end);
      sequential(out, query, (int) Math.min(Integer.MAX_VALUE, end), step, true);
    }
  }

  /** Pages {@code step, 2*step, ... < total}, {@code concurrency} in flight. Returns whether the total moved. */
  private boolean parallel(Delivery out, String query, int step, long total) {
    Deque<Future<Page>> inFlight = new ArrayDeque<>();
    long next = step;
    boolean changed = false;
    try {
      // Twice the pool size queued, so a thread that finishes a page starts the next one at once
      // instead of waiting for an earlier, slower page to be handed over (no head-of-line stall).
      int window = 2 * concurrency;
      while (next < total && inFlight.size() < window) {
        inFlight.add(submit(query, next, step));
        next += step;
      }
      while (!inFlight.isEmpty()) {
        Page page = await(inFlight.poll());
        changed |= page.total() >= 0 && page.total() != total;
        out.deliver(page.rows(), changed);
        if (next < total) {
          inFlight.add(submit(query, next, step));
          next += step;
        }
      }
      return changed;
    } finally {
      inFlight.forEach(f -> f.cancel(true));
    }
  }

  private void sequential(Delivery out, String query, int offset, int step, boolean changed) {
    int at = offset;
    while (true) {
      Page page = source.fetch(query, at, step);
      out.deliver(page.rows(), changed);
      if (page.rows().size() < step) {
        return;
      }
      at += step;
    }
  }

  private Future<Page> submit(String query, long offset, int step) {
    int o = (int) Math.min(Integer.MAX_VALUE, offset);
    return pool.submit(() -> source.fetch(query, o, step));
  }

  private Page await(Future<Page> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceNowException(instance, null, 0, instance + ": interrupted while reading pages", e);
    } catch (CancellationException e) {
      throw new ServiceNowException(instance, null, 0, instance + ": page read cancelled", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new ServiceNowException(instance, null, 0, instance + ": page read failed: " + e.getCause(), e.getCause());
    }
  }

  /** Hands rows to the sink in order, once each, after the query's guard. */
  private final class Delivery {
    private final TableQuery q;
    private final String query;
    private final Consumer<Record> sink;
    private final Set<String> recent = new LinkedHashSet<>();
    private String lastSysId;

    Delivery(TableQuery q, String query, Consumer<Record> sink) {
      this.q = q;
      this.query = query;
      this.sink = sink;
    }

    void deliver(List<Record> rows, boolean tableChanged) {
      if (tableChanged && lastSysId != null && !rows.isEmpty() && rows.get(0).sysId().compareTo(lastSysId) > 0) {
        fillGap(lastSysId, rows.get(0).sysId());
      }
      for (Record r : rows) {
        accept(r);
      }
    }

    /** Rows with {@code after < sys_id < before} that slid across a page boundary. */
    private void fillGap(String after, String before) {
      String low = after;
      while (true) {
        String gapQuery = Queries.and(query, "sys_id>" + low + "^sys_id<" + before);
        List<Record> rows = source.fetch(gapQuery, 0, pageSize).rows();
        String progress = low;
        for (Record r : rows) {
          // Checked here too: an instance that ignored the range would otherwise return the table's first rows.
          if (r.sysId().compareTo(progress) > 0 && r.sysId().compareTo(before) < 0) {
            accept(r);
            progress = r.sysId();
          }
        }
        if (rows.size() < pageSize || progress.equals(low)) {
          return;
        }
        low = progress;
      }
    }

    private void accept(Record r) {
      String id = r.sysId();
      if (!id.isEmpty() && recent.contains(id)) {
        return; // seen on the previous page: the table shifted under the offsets
      }
      if (q.guard() != null && !q.guard().test(r)) {
        throw new ServiceNowException.UnexpectedRow(instance, q.table(), instance + ": " + q.table()
            + " returned a row that does not satisfy \"" + q.guardDescription() + "\" (sys_id " + id + ") for query \""
            + q.query() + "\": the instance probably ignored part of the encoded query (misspelt field?); nothing was done with the result");
      }
      sink.accept(r);
      if (!id.isEmpty()) {
        recent.add(id);
        if (recent.size() > 2 * pageSize) {
          var it = recent.iterator();
          it.next();
          it.remove();
        }
        lastSysId = id;
      }
    }
  }
}
