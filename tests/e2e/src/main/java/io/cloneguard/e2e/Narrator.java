package io.cloneguard.e2e;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tells the demo's story as it happens: one line per milestone with the time since the start. On a
 * terminal it also keeps a live spinner line saying what it is waiting for; piped (no console, or
 * TERM=dumb) it prints plain lines only, with no colour or carriage returns, so logs and CI stay clean.
 */
public final class Narrator implements AutoCloseable {
  private static final String[] SPINNER = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
  private static final String CLEAR_LINE = "\r\u001b[2K";
  /** Room for the spinner line's text in an 80-column terminal, after the time stamp and before the wait time. */
  private static final int WAITING_WIDTH = 58;

  private final PrintStream out;
  private final boolean live;
  private final LongSupplier nanoTime;
  private final long start;
  private final List<Milestone> milestones = new ArrayList<>();
  private final ScheduledExecutorService ticker;
  private String waitingFor;
  private long waitingSince;
  private int frame;

  /** One thing that happened, and when (since the start of the demo). */
  public record Milestone(String step, String detail, String brief, Duration at) {}

  Narrator(PrintStream out, boolean live, LongSupplier nanoTime) {
    this.out = out;
    this.live = live;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
    if (live) {
      ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-narrator");
        t.setDaemon(true);
        return t;
      });
      ticker.scheduleAtFixedRate(this::repaint, 100, 100, TimeUnit.MILLISECONDS);
    } else {
      ticker = null;
    }
  }

  /** A live display when {@code out} is the terminal, plain lines otherwise. */
  public static Narrator forStream(PrintStream out) {
    return new Narrator(out, isInteractive(out), System::nanoTime);
  }

  /** Plain lines, whatever the terminal: for tests and for output that is captured. */
  public static Narrator plain(PrintStream out) {
    return new Narrator(out, false, System::nanoTime);
  }

  static boolean isInteractive(PrintStream out) {
    String term = System.getenv("TERM");
    return out == System.out && System.console() != null && term != null && !term.isBlank() && !"dumb".equals(term);
  }

  public boolean isLive() {
    return live;
  }

  /** Time since the narrator started. */
  public Duration elapsed() {
    return Duration.ofNanos(nanoTime.getAsLong() - start);
  }

  /** Something that happened; printed at once and kept for the summary. */
  public synchronized Milestone milestone(String step, String detail) {
    return milestone(step, detail, detail);
  }

  /** As {@link #milestone(String, String)}, with a shorter {@code brief} for the summary table. */
  public synchronized Milestone milestone(String step, String detail, String brief) {
    Milestone m = new Milestone(step, detail, brief, elapsed());
    milestones.add(m);
    waitingFor = null;
    String text = step + (detail.isEmpty() ? "" : ": " + detail);
    if (live) {
      out.print(CLEAR_LINE + "\u001b[2m" + stamp(m.at()) + "\u001b[0m \u001b[32m✔\u001b[0m " + text + "\n");
    } else {
      out.println(stamp(m.at()) + " " + text);
    }
    out.flush();
    return m;
  }

  /** What we are waiting for now; shown on the spinner line, and not at all when piped. */
  public synchronized void waiting(String what) {
    waitingFor = what;
    waitingSince = nanoTime.getAsLong();
    repaint();
  }

  /** A line that is not a milestone (setup, hints). */
  public synchronized void say(String text) {
    clearLive();
    out.println(live ? "\u001b[2m" + text + "\u001b[0m" : text);
    out.flush();
  }

  /** Something went wrong; the line starts with "!" so it stands out when piped too. */
  public synchronized void problem(String text) {
    waitingFor = null;
    clearLive();
    out.println(live ? "\u001b[31m! " + text + "\u001b[0m" : "! " + text);
    out.flush();
  }

  /** Prints a block (the summary table) as is. */
  public synchronized void block(String text) {
    waitingFor = null;
    clearLive();
    out.print(text);
    out.flush();
  }

  public synchronized List<Milestone> milestones() {
    return List.copyOf(milestones);
  }

  /** The summary: every milestone with its time since the start and since the previous one. */
  public synchronized TextTable summary() {
    TextTable table = new TextTable("step", "at", "took", "what was seen");
    Duration previous = Duration.ZERO;
    for (Milestone m : milestones) {
      table.row(m.step(), seconds(m.at()), seconds(m.at().minus(previous)), m.brief());
      previous = m.at();
    }
    return table;
  }

  private synchronized void repaint() {
    if (!live || waitingFor == null) {
      return;
    }
    frame = (frame + 1) % SPINNER.length;
    Duration waited = Duration.ofNanos(nanoTime.getAsLong() - waitingSince);
    // One terminal line at most: a wrapped line could not be rewritten with a carriage return.
    String text = waitingFor.length() > WAITING_WIDTH ? waitingFor.substring(0, WAITING_WIDTH - 1) + "…" : waitingFor;
    out.print(CLEAR_LINE + "\u001b[2m" + stamp(elapsed()) + "\u001b[0m \u001b[36m" + SPINNER[frame] + "\u001b[0m " + text + " \u001b[2m("
        + seconds(waited) + ")\u001b[0m");
    out.flush();
  }

  private void clearLive() {
    if (live) {
      out.print(CLEAR_LINE);
    }
  }

  static String stamp(Duration d) {
    return String.format(Locale.ROOT, "[%5.1fs]", d.toMillis() / 1000.0);
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  @Override
  public synchronized void close() {
    waitingFor = null;
    clearLive();
    out.flush();
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }
}
