package io.kernelwise.training;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events of a job, tailed from the {@code job_events} table (not from memory), so a
 * client connected to any instance sees what the instance running the job writes. Each event's SSE
 * id is its sequence number ({@code Last-Event-ID} resumes). A stream replays everything first and
 * completes after the job's terminal state event.
 *
 * <p>A ticker only schedules; each subscriber reads and writes in a task of its own, one at a time,
 * at most one batch of events in hand. A slow client therefore blocks only its own task (others go
 * on), and one whose write has not returned for {@code stallTimeout} is dropped (it reconnects with
 * {@code Last-Event-ID}). A client that went away fails its write with an {@code IOException}, or
 * its emitter completes: either ends only its subscription.
 */
public class JobEventStream implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(JobEventStream.class);
  private static final Set<String> TERMINAL =
      Set.of(JobState.SUCCEEDED.name(), JobState.FAILED.name(), JobState.CANCELLED.name());
  static final int BATCH = 500;

  /** Where a subscription's events go: an {@link SseEmitter} in the service. */
  interface Sink {
    void send(JobEvent event) throws IOException;

    void complete();
  }

  private final JobStore store;
  private final Duration pollInterval;
  private final Duration stallTimeout;
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService ticker;
  private ExecutorService writers;

  public JobEventStream(JobStore store, Duration pollInterval) {
    this(store, pollInterval, Duration.ofSeconds(60));
  }

  JobEventStream(JobStore store, Duration pollInterval, Duration stallTimeout) {
    this.store = store;
    this.pollInterval = pollInterval;
    this.stallTimeout = stallTimeout;
  }

  /** One client's stream: where it is in the log and whether its task is running. */
  final class Subscription {
    final String jobId;
    final Sink sink;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile long busySince;
    private volatile boolean closed;
    private long lastSeq;

    Subscription(String jobId, long lastSeq, Sink sink) {
      this.jobId = jobId;
      this.lastSeq = lastSeq;
      this.sink = sink;
    }

    boolean closed() {
      return closed;
    }

    /** Ends this subscription only; the sink is completed unless the client is already gone. */
    void close(boolean completeSink) {
      if (closed) {
        return;
      }
      closed = true;
      subscriptions.remove(this);
      if (completeSink) {
        try {
          sink.complete();
        } catch (RuntimeException e) {
          log.debug("completing the event stream of job {}: {}", jobId, e.toString());
        }
      }
    }
  }

  SseEmitter subscribe(String jobId, long afterSeq) {
    SseEmitter emitter = new SseEmitter(Duration.ofHours(6).toMillis());
    Subscription sub = subscribe(jobId, afterSeq, new EmitterSink(emitter));
    emitter.onCompletion(() -> sub.close(false));
    emitter.onTimeout(() -> sub.close(true));
    emitter.onError(e -> sub.close(false));
    return emitter;
  }

  Subscription subscribe(String jobId, long afterSeq, Sink sink) {
    Subscription sub = new Subscription(jobId, afterSeq, sink);
    subscriptions.add(sub);
    schedule(sub); // replay at once, then on every tick
    return sub;
  }

  int subscribers() {
    return subscriptions.size();
  }

  private void tick() {
    long now = System.nanoTime();
    for (Subscription sub : subscriptions) {
      if (sub.busy.get()) {
        if (now - sub.busySince > stallTimeout.toNanos()) {
          log.info("dropping a stalled event stream of job {} (client not reading)", sub.jobId);
          sub.close(true);
        }
      } else {
        schedule(sub);
      }
    }
  }

  private void schedule(Subscription sub) {
    if (sub.closed || !sub.busy.compareAndSet(false, true)) {
      return;
    }
    sub.busySince = System.nanoTime();
    try {
      writers.execute(() -> pump(sub));
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      sub.busy.set(false);
    }
  }

  private void pump(Subscription sub) {
    try {
      boolean ended = false;
      List<JobEvent> batch;
      do {
        batch = store.events(sub.jobId, sub.lastSeq, BATCH);
        for (JobEvent e : batch) {
          if (sub.closed) {
            return;
          }
          sub.sink.send(e);
          sub.lastSeq = e.seq();
          ended |= JobEvents.STATE.equals(e.type()) && isTerminal(e.dataJson());
        }
      } while (batch.size() == BATCH && !ended);
      if (!ended && batch.isEmpty()) {
        // A terminal job whose end event this subscriber already has (resumed past it).
        ended =
            store.find(sub.jobId).map(j -> j.state().terminal()).orElse(true)
                && store.events(sub.jobId, sub.lastSeq, 1).isEmpty();
      }
      if (ended) {
        sub.close(true);
      }
    } catch (IOException e) {
      log.debug("event stream of job {}: client gone ({})", sub.jobId, e.toString());
      sub.close(false);
    } catch (IllegalStateException e) {
      // the emitter completed under us: expected only when the client went away meanwhile
      if (!sub.closed) {
        log.warn("event stream of job {} stopped: {}", sub.jobId, e.toString());
      }
      sub.close(false);
    } catch (RuntimeException e) {
      log.warn("event stream of job {} failed", sub.jobId, e);
      sub.close(true);
    } finally {
      sub.busy.set(false);
    }
  }

  private static boolean isTerminal(String dataJson) {
    for (String s : TERMINAL) {
      if (dataJson.contains("\"state\":\"" + s + "\"")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void start() {
    AtomicInteger n = new AtomicInteger();
    writers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "kernelwise-job-events-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kernelwise-job-events");
              t.setDaemon(true);
              return t;
            });
    ticker.scheduleWithFixedDelay(
        this::tick, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    ticker.shutdownNow();
    List.copyOf(subscriptions).forEach(s -> s.close(true));
    writers.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return ticker != null && !ticker.isShutdown();
  }

  private record EmitterSink(SseEmitter emitter) implements Sink {
    @Override
    public void send(JobEvent e) throws IOException {
      emitter.send(
          SseEmitter.event()
              .id(Long.toString(e.seq()))
              .name(e.type())
              .data(e.dataJson(), MediaType.APPLICATION_JSON));
    }

    @Override
    public void complete() {
      emitter.complete();
    }
  }
}
