package io.kernelwise.datasets;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;

/** Reports ingest progress (0..0.99) at most every 1/200th of the work. */
final class IngestProgress {
  private final DoubleConsumer sink;
  private final long total;
  private final AtomicLong done = new AtomicLong();
  private final long every;

  IngestProgress(DoubleConsumer sink, long total) {
    this.sink = sink;
    this.total = Math.max(1, total);
    this.every = Math.max(1, total / 200);
  }

  void step() {
    long d = done.incrementAndGet();
    if (d % every == 0) {
      sink.accept(Math.min(0.99, (double) d / total));
    }
  }
}
