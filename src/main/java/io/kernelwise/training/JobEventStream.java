package io.kernelwise.training;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events of a job, tailed from the {@code job_events} table (not from memory), so a
 * client connected to any instance sees what the instance running the job writes. One thread polls
 * for all subscribers; each event's SSE id is its sequence number ({@code Last-Event-ID} resumes).
 * A stream replays everything first and completes after the job's terminal state event.
 */
public class JobEventStream implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(JobEventStream.class);
  private static final Set<String> TERMINAL =
      Set.of(JobState.SUCCEEDED.name(), JobState.FAILED.name(), JobState.CANCELLED.name());

  private final JobStore store;
  private final Duration pollInterval;
  private final Map<SseEmitter, Subscription> subscriptions = new ConcurrentHashMap<>();
  private ScheduledExecutorService poller;

  public JobEventStream(JobStore store, Duration pollInterval) {
    this.store = store;
    this.pollInterval = pollInterval;
  }

  private static final class Subscription {
    final String jobId;
    long lastSeq;

    Subscription(String jobId, long lastSeq) {
      this.jobId = jobId;
      this.lastSeq = lastSeq;
    }
  }

  SseEmitter subscribe(String jobId, long afterSeq) {
    SseEmitter emitter = new SseEmitter(Duration.ofHours(6).toMillis());
    Subscription sub = new Subscription(jobId, afterSeq);
    emitter.onCompletion(() -> subscriptions.remove(emitter));
    emitter.onTimeout(emitter::complete);
    emitter.onError(e -> subscriptions.remove(emitter));
    subscriptions.put(emitter, sub);
    poller.execute(() -> pump(emitter, sub)); // replay at once, then on every poll
    return emitter;
  }

  private void pumpAll() {
    subscriptions.forEach(this::pump);
  }

  private void pump(SseEmitter emitter, Subscription sub) {
    synchronized (sub) {
      if (!subscriptions.containsKey(emitter)) {
        return;
      }
      try {
        boolean ended = false;
        List<JobEvent> batch;
        do {
          batch = store.events(sub.jobId, sub.lastSeq, 500);
          for (JobEvent e : batch) {
            emitter.send(
                SseEmitter.event()
                    .id(Long.toString(e.seq()))
                    .name(e.type())
                    .data(e.dataJson(), MediaType.APPLICATION_JSON));
            sub.lastSeq = e.seq();
            ended |= JobEvents.STATE.equals(e.type()) && isTerminal(e.dataJson());
          }
        } while (batch.size() == 500 && !ended);
        if (!ended && batch.isEmpty()) {
          // A terminal job whose end event this subscriber already has (resumed past it).
          ended =
              store.find(sub.jobId).map(j -> j.state().terminal()).orElse(true)
                  && store.events(sub.jobId, sub.lastSeq, 1).isEmpty();
        }
        if (ended) {
          subscriptions.remove(emitter);
          emitter.complete();
        }
      } catch (IOException | IllegalStateException e) {
        subscriptions.remove(emitter); // the client went away
      } catch (RuntimeException e) {
        log.warn("event stream of job {} failed", sub.jobId, e);
        subscriptions.remove(emitter);
        emitter.completeWithError(e);
      }
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
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kernelwise-job-events");
              t.setDaemon(true);
              return t;
            });
    poller.scheduleWithFixedDelay(
        this::pumpAll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    poller.shutdownNow();
    subscriptions.keySet().forEach(SseEmitter::complete);
    subscriptions.clear();
  }

  @Override
  public boolean isRunning() {
    return poller != null && !poller.isShutdown();
  }
}
