package io.kernelwise.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A slow or dead SSE subscriber costs only itself: the others of the same job get every event and
 * complete while one client does not read, and a client that went away ends only its own stream.
 */
class JobEventStreamTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static HikariDataSource dataSource;
  JdbcJobStore store;
  JobEvents events;
  JobEventStream stream;
  final CountDownLatch release = new CountDownLatch(1);

  @BeforeAll
  static void migrate() {
    dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(
        "jdbc:h2:mem:event-stream;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    dataSource.setUsername("sa");
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }

  @AfterAll
  static void close() {
    dataSource.close();
  }

  @BeforeEach
  void setUp() {
    store = new JdbcJobStore(dataSource);
    events = new JobEvents(store, JSON, Clock.systemUTC());
    stream = new JobEventStream(store, Duration.ofMillis(20), Duration.ofMillis(800));
    stream.start();
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    stream.stop();
  }

  /** Records what it is sent; {@code blockAt} makes that send wait until released. */
  final class Recording implements JobEventStream.Sink {
    final List<JobEvent> received = new CopyOnWriteArrayList<>();
    final int blockAt;
    final boolean dead;
    volatile boolean completed;

    Recording(int blockAt, boolean dead) {
      this.blockAt = blockAt;
      this.dead = dead;
    }

    @Override
    public void send(JobEvent event) throws IOException {
      if (dead) {
        throw new IOException("Broken pipe");
      }
      if (received.size() == blockAt) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      received.add(event);
    }

    @Override
    public void complete() {
      completed = true;
    }
  }

  String newJob() {
    Job job =
        Job.queued(
            "j-" + java.util.UUID.randomUUID().toString().substring(0, 8),
            null,
            "tiny",
            "{}",
            "mini",
            "{}",
            "cpu",
            1,
            Clock.systemUTC().instant());
    store.insert(job);
    events.state(job.id(), JobState.QUEUED, null, Map.of());
    return job.id();
  }

  @Test
  void aSubscriberThatDoesNotReadStallsNobodyElseAndIsDroppedAfterTheStallTimeout()
      throws Exception {
    String job = newJob();
    Recording stuck = new Recording(1, false); // takes the first event, then stops reading
    Recording dead = new Recording(0, true);
    Recording other = new Recording(-1, false);
    stream.subscribe(job, 0, stuck);
    stream.subscribe(job, 0, dead);
    await(() -> stuck.received.size() == 1);
    stream.subscribe(job, 0, other);

    for (int i = 1; i <= 5; i++) {
      events.append(job, JobEvents.STEP, Map.of("step", i));
    }
    events.state(job, JobState.CANCELLED, "cancelled while queued", Map.of());

    await(() -> other.completed);
    assertThat(other.received).hasSize(7); // QUEUED, 5 steps, CANCELLED
    assertThat(stuck.received).hasSize(1);
    assertThat(dead.completed).as("a gone client's emitter is not written again").isFalse();
    await(() -> stuck.completed); // dropped after the stall timeout, not kept forever
    assertThat(stream.subscribers()).isZero();
  }

  @Test
  void aStreamResumedPastTheEndCompletesAtOnce() throws Exception {
    String job = newJob();
    store.transition(
        job,
        JobState.QUEUED,
        JobState.CANCELLED,
        Clock.systemUTC().instant(),
        JobStore.Outcome.NONE);
    events.state(job, JobState.CANCELLED, null, Map.of());
    long last = store.events(job, 0, 10).get(1).seq();
    Recording resumed = new Recording(-1, false);
    stream.subscribe(job, last, resumed);
    await(() -> resumed.completed);
    assertThat(resumed.received).isEmpty();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(10);
    }
  }
}
