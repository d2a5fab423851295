package io.kernelwise.datasets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Index-parallel work for the ingest passes: a fixed pool, chunks of indices, fail fast. */
final class Parallel {
  private static final int CHUNK = 256;

  private Parallel() {}

  @FunctionalInterface
  interface Work<D> {
    void run(D decoder, int index) throws Exception;
  }

  @FunctionalInterface
  interface Resource<D> {
    D open() throws Exception;
  }

  /**
   * Runs {@code work} for every index on {@code threads} tasks of the pool, in chunks, each task
   * with a resource of its own; the first failure aborts all.
   */
  static <D> void run(ExecutorService pool, int threads, int n, Resource<D> resource, Work<D> work)
      throws IOException {
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(
          pool.submit(
              () -> {
                D decoder = resource.open();
                boolean completed = false;
                try {
                  for (int start = next.getAndAdd(CHUNK);
                      start < n;
                      start = next.getAndAdd(CHUNK)) {
                    for (int i = start; i < Math.min(n, start + CHUNK); i++) {
                      work.run(decoder, i);
                    }
                  }
                  completed = true;
                } finally {
                  if (!completed) {
                    next.set(n); // a failure (of any kind) stops the others at their next chunk
                  }
                  if (decoder instanceof AutoCloseable c) {
                    c.close();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("ingest interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IOException(cause);
      }
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
