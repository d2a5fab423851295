package io.kernelwise.training;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@link JobStore} on plain SQL that runs the same on PostgreSQL and H2 (PostgreSQL mode). */
public class JdbcJobStore implements JobStore {
  private static final String COLUMNS =
      "id, state, architecture_id, architecture_name, spec_json, dataset_id, hyperparameters_json,"
          + " device, epoch, epochs, progress, created_at, queued_at, started_at, finished_at,"
          + " error, model_id, attempts, resumes, resumed_from_epoch, worker, cancel_requested,"
          + " test_accuracy, compute_precision";

  private final JdbcClient jdbc;

  public JdbcJobStore(DataSource dataSource) {
    this.jdbc = JdbcClient.create(dataSource);
  }

  @Override
  public void insert(Job job) {
    jdbc.sql(
            "insert into jobs ("
                + COLUMNS
                + ", updated_at) values (:id, :state, :architectureId, :architectureName,"
                + " :specJson, :datasetId, :hyperparametersJson, :device, :epoch, :epochs,"
                + " :progress, :createdAt, :queuedAt, :startedAt, :finishedAt, :error, :modelId,"
                + " :attempts, :resumes, :resumedFromEpoch, :worker, :cancelRequested,"
                + " :testAccuracy, :precision, :createdAt)")
        .param("id", job.id())
        .param("state", job.state().name())
        .param("architectureId", job.architectureId())
        .param("architectureName", job.architectureName())
        .param("specJson", job.specJson())
        .param("datasetId", job.datasetId())
        .param("hyperparametersJson", job.hyperparametersJson())
        .param("device", job.device())
        .param("epoch", job.epoch())
        .param("epochs", job.epochs())
        .param("progress", job.progress())
        .param("createdAt", ts(job.createdAt()))
        .param("queuedAt", ts(job.queuedAt()))
        .param("startedAt", ts(job.startedAt()))
        .param("finishedAt", ts(job.finishedAt()))
        .param("error", job.error())
        .param("modelId", job.modelId())
        .param("attempts", job.attempts())
        .param("resumes", job.resumes())
        .param("resumedFromEpoch", job.resumedFromEpoch())
        .param("worker", job.worker())
        .param("cancelRequested", job.cancelRequested())
        .param("testAccuracy", job.testAccuracy())
        .param("precision", job.precision())
        .update();
  }

  @Override
  public Optional<Job> find(String id) {
    return jdbc.sql("select " + COLUMNS + " from jobs where id = ?")
        .param(id)
        .query(JdbcJobStore::job)
        .optional();
  }

  @Override
  public List<Job> list(JobState state, int offset, int limit) {
    // Two statements rather than ":state is null": PostgreSQL cannot type a bare null parameter.
    String where = state == null ? "" : " where state = :state";
    var spec =
        jdbc.sql(
                "select "
                    + COLUMNS
                    + " from jobs"
                    + where
                    + " order by created_at desc, id desc offset :offset rows fetch next :limit"
                    + " rows only")
            .param("offset", offset)
            .param("limit", limit);
    if (state != null) {
      spec = spec.param("state", state.name());
    }
    return spec.query(JdbcJobStore::job).list();
  }

  @Override
  public long count(JobState state) {
    if (state == null) {
      return jdbc.sql("select count(*) from jobs").query(Long.class).single();
    }
    return jdbc.sql("select count(*) from jobs where state = ?")
        .param(state.name())
        .query(Long.class)
        .single();
  }

  @Override
  public Map<JobState, Long> countByState() {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState s : JobState.values()) {
      counts.put(s, 0L);
    }
    jdbc.sql("select state, count(*) as n from jobs group by state")
        .query(
            rs -> {
              counts.put(JobState.valueOf(rs.getString("state")), rs.getLong("n"));
            });
    return counts;
  }

  @Override
  public long queuePosition(String id) {
    return jdbc.sql(
            "select count(*) from jobs q, jobs j where j.id = :id and j.state = 'QUEUED'"
                + " and q.state = 'QUEUED' and (q.queued_at < j.queued_at"
                + " or (q.queued_at = j.queued_at and q.id <= j.id))")
        .param("id", id)
        .query(Long.class)
        .single();
  }

  @Override
  public boolean transition(String id, JobState from, JobState to, Instant now, Outcome outcome) {
    return move(id, from, to, now, outcome, null);
  }

  @Override
  public boolean finish(String id, int attempt, JobState to, Instant now, Outcome outcome) {
    return move(id, JobState.RUNNING, to, now, outcome, attempt);
  }

  private boolean move(
      String id, JobState from, JobState to, Instant now, Outcome outcome, Integer attempt) {
    from.checkMoveTo(to);
    String set =
        switch (to) {
          case QUEUED -> "worker = null";
          case RUNNING -> "started_at = coalesce(started_at, :now)";
          case SUCCEEDED, FAILED, CANCELLED ->
              "finished_at = :now, worker = null, error = coalesce(:error, error),"
                  + " model_id = coalesce(:modelId, model_id),"
                  + " test_accuracy = coalesce(:testAccuracy, test_accuracy),"
                  + " progress = coalesce(:progress, progress)";
        };
    var update =
        jdbc.sql(
                "update jobs set state = :to, updated_at = :now, "
                    + set
                    + " where id = :id and state = :from"
                    + (attempt == null ? "" : " and attempts = :attempt"))
            .param("to", to.name())
            .param("from", from.name())
            .param("id", id)
            .param("now", ts(now))
            .param("error", outcome.error())
            .param("modelId", outcome.modelId())
            .param("testAccuracy", outcome.testAccuracy())
            .param("progress", outcome.progress());
    return (attempt == null ? update : update.param("attempt", attempt)).update() == 1;
  }

  @Override
  public Optional<Integer> startAttempt(String id, String worker, Instant now) {
    // the machine says from where a job may start running (QUEUED): a revived job goes back to
    // QUEUED first (JobRunner, TrainingQueue), never RUNNING -> RUNNING
    List<String> from = JobState.sourcesOf(JobState.RUNNING).stream().map(Enum::name).toList();
    int updated =
        jdbc.sql(
                "update jobs set state = 'RUNNING', attempts = attempts + 1, worker = :worker,"
                    + " started_at = coalesce(started_at, :now), updated_at = :now"
                    + " where id = :id and state in (:from)"
                    + " and cancel_requested = false")
            .param("from", from)
            .param("worker", worker)
            .param("now", ts(now))
            .param("id", id)
            .update();
    if (updated != 1) {
      return Optional.empty();
    }
    return jdbc.sql("select attempts from jobs where id = ?")
        .param(id)
        .query(Integer.class)
        .optional();
  }

  @Override
  public boolean recordPrecision(String id, int attempt, String precision, Instant now) {
    return jdbc.sql(
                "update jobs set compute_precision = :precision, updated_at = :now"
                    + " where id = :id and attempts = :attempt")
            .param("precision", precision)
            .param("now", ts(now))
            .param("id", id)
            .param("attempt", attempt)
            .update()
        == 1;
  }

  @Override
  public boolean markResumed(String id, int attempt, int epoch, Instant now) {
    return jdbc.sql(
                "update jobs set resumes = resumes + 1, resumed_from_epoch = :epoch,"
                    + " updated_at = :now where id = :id and attempts = :attempt")
            .param("epoch", epoch)
            .param("now", ts(now))
            .param("id", id)
            .param("attempt", attempt)
            .update()
        == 1;
  }

  @Override
  public boolean updateProgress(String id, int attempt, int epoch, double progress, Instant now) {
    return jdbc.sql(
                "update jobs set epoch = :epoch, progress = :progress, updated_at = :now"
                    + " where id = :id and attempts = :attempt and state = 'RUNNING'")
            .param("epoch", epoch)
            .param("progress", progress)
            .param("now", ts(now))
            .param("id", id)
            .param("attempt", attempt)
            .update()
        == 1;
  }

  @Override
  public boolean requestCancel(String id, Instant now) {
    return jdbc.sql(
                "update jobs set cancel_requested = true, updated_at = :now"
                    + " where id = :id and state in ('QUEUED', 'RUNNING')")
            .param("now", ts(now))
            .param("id", id)
            .update()
        == 1;
  }

  @Override
  public Optional<RunFlags> runFlags(String id) {
    return jdbc.sql("select state, cancel_requested, attempts from jobs where id = ?")
        .param(id)
        .query(
            (rs, n) ->
                new RunFlags(JobState.valueOf(rs.getString(1)), rs.getBoolean(2), rs.getInt(3)))
        .optional();
  }

  @Override
  public void upsertEpoch(String id, EpochMetrics m, Instant now) {
    // Update first, insert when absent: one writer per job (the fenced attempt), so this is enough
    // and it is the same SQL on both databases.
    int updated =
        jdbc.sql(
                "update job_epochs set train_loss = :trainLoss, train_accuracy = :trainAccuracy,"
                    + " val_loss = :valLoss, val_accuracy = :valAccuracy,"
                    + " learning_rate = :learningRate, images_per_second = :imagesPerSecond,"
                    + " seconds = :seconds, recorded_at = :now where job_id = :id and epoch ="
                    + " :epoch")
            .paramSource(epochParams(id, m, now))
            .update();
    if (updated == 0) {
      jdbc.sql(
              "insert into job_epochs (job_id, epoch, train_loss, train_accuracy, val_loss,"
                  + " val_accuracy, learning_rate, images_per_second, seconds, recorded_at)"
                  + " values (:id, :epoch, :trainLoss, :trainAccuracy, :valLoss, :valAccuracy,"
                  + " :learningRate, :imagesPerSecond, :seconds, :now)")
          .paramSource(epochParams(id, m, now))
          .update();
    }
  }

  private static Map<String, Object> epochParams(String id, EpochMetrics m, Instant now) {
    Map<String, Object> p = new java.util.HashMap<>();
    p.put("id", id);
    p.put("epoch", m.epoch());
    p.put("trainLoss", m.trainLoss());
    p.put("trainAccuracy", m.trainAccuracy());
    p.put("valLoss", m.valLoss());
    p.put("valAccuracy", m.valAccuracy());
    p.put("learningRate", m.learningRate());
    p.put("imagesPerSecond", m.imagesPerSecond());
    p.put("seconds", m.seconds());
    p.put("now", ts(now));
    return p;
  }

  @Override
  public void upsertStep(String id, StepMetrics s, Instant now) {
    Map<String, Object> p = new java.util.HashMap<>();
    p.put("id", id);
    p.put("epoch", s.epoch());
    p.put("step", s.step());
    p.put("stepsPerEpoch", s.stepsPerEpoch());
    p.put("loss", s.loss());
    p.put("accuracy", s.accuracy());
    p.put("learningRate", s.learningRate());
    p.put("imagesPerSecond", s.imagesPerSecond());
    p.put("now", ts(now));
    int updated =
        jdbc.sql(
                "update job_steps set steps_per_epoch = :stepsPerEpoch, loss = :loss,"
                    + " accuracy = :accuracy, learning_rate = :learningRate,"
                    + " images_per_second = :imagesPerSecond, recorded_at = :now"
                    + " where job_id = :id and epoch = :epoch and step = :step")
            .paramSource(p)
            .update();
    if (updated == 0) {
      jdbc.sql(
              "insert into job_steps (job_id, epoch, step, steps_per_epoch, loss, accuracy,"
                  + " learning_rate, images_per_second, recorded_at) values (:id, :epoch, :step,"
                  + " :stepsPerEpoch, :loss, :accuracy, :learningRate, :imagesPerSecond, :now)")
          .paramSource(p)
          .update();
    }
  }

  @Override
  public List<EpochMetrics> epochs(String id, int sinceEpoch) {
    return jdbc.sql(
            "select epoch, train_loss, train_accuracy, val_loss, val_accuracy, learning_rate,"
                + " images_per_second, seconds from job_epochs where job_id = ? and epoch > ?"
                + " order by epoch")
        .params(id, sinceEpoch)
        .query(
            (rs, n) ->
                new EpochMetrics(
                    rs.getInt(1),
                    rs.getDouble(2),
                    rs.getDouble(3),
                    nullableDouble(rs, 4),
                    nullableDouble(rs, 5),
                    rs.getDouble(6),
                    rs.getDouble(7),
                    rs.getDouble(8)))
        .list();
  }

  @Override
  public List<StepMetrics> steps(String id, int sinceEpoch) {
    return jdbc.sql(
            "select epoch, step, steps_per_epoch, loss, accuracy, learning_rate,"
                + " images_per_second from job_steps where job_id = ? and epoch > ?"
                + " order by epoch, step")
        .params(id, sinceEpoch)
        .query(
            (rs, n) ->
                new StepMetrics(
                    rs.getInt(1),
                    rs.getLong(2),
                    rs.getLong(3),
                    rs.getDouble(4),
                    rs.getDouble(5),
                    rs.getDouble(6),
                    rs.getDouble(7)))
        .list();
  }

  @Override
  public void appendEvent(String id, String type, String dataJson, Instant now) {
    jdbc.sql("insert into job_events (job_id, type, data_json, created_at) values (?, ?, ?, ?)")
        .params(id, type, dataJson, ts(now))
        .update();
  }

  @Override
  public List<JobEvent> events(String id, long afterSeq, int limit) {
    return jdbc.sql(
            "select seq, job_id, type, data_json, created_at from job_events"
                + " where job_id = :id and seq > :after order by seq fetch first :limit rows only")
        .param("id", id)
        .param("after", afterSeq)
        .param("limit", limit)
        .query(
            (rs, n) ->
                new JobEvent(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    instant(rs, 5)))
        .list();
  }

  private static Job job(ResultSet rs, int row) throws SQLException {
    return new Job(
        rs.getString("id"),
        JobState.valueOf(rs.getString("state")),
        rs.getString("architecture_id"),
        rs.getString("architecture_name"),
        rs.getString("spec_json"),
        rs.getString("dataset_id"),
        rs.getString("hyperparameters_json"),
        rs.getString("device"),
        rs.getInt("epoch"),
        rs.getInt("epochs"),
        rs.getDouble("progress"),
        instant(rs, "created_at"),
        instant(rs, "queued_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        rs.getString("error"),
        rs.getString("model_id"),
        rs.getInt("attempts"),
        rs.getInt("resumes"),
        (Integer) rs.getObject("resumed_from_epoch", Integer.class),
        rs.getString("worker"),
        rs.getBoolean("cancel_requested"),
        nullableDouble(rs, rs.findColumn("test_accuracy")),
        rs.getString("compute_precision"));
  }

  static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }
}
