package io.cloneguard.servicenow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Clock, monotonic time and sleeper in one: sleeping records the wait and moves time on, instantly. */
final class FakeTime extends Clock implements Sleeper {
  private static final Instant START = Instant.parse("2026-12-04T12:00:00Z");
  private final AtomicLong nanos = new AtomicLong();
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    nanos.addAndGet(duration.toNanos());
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  long nanoTime() {
    return nanos.get();
  }

  List<Duration> sleeps() {
    synchronized (sleeps) {
      return List.copyOf(sleeps);
    }
  }

  ClientRuntime runtime() {
    return ClientRuntime.system().withTime(this, this, this::nanoTime);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return START.plusNanos(nanos.get());
  }
}
