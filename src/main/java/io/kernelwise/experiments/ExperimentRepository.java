package io.kernelwise.experiments;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Stored experiments (tables {@code experiments} and {@code experiment_jobs}, migration V5). */
@Repository
class ExperimentRepository {
  private final JdbcClient jdbc;
  private final TransactionTemplate transaction;

  ExperimentRepository(JdbcClient jdbc, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.transaction = new TransactionTemplate(transactions);
  }

  /** The experiment and its entries, together or not at all. */
  void insert(Experiment e) {
    transaction.executeWithoutResult(status -> insertRows(e));
  }

  private void insertRows(Experiment e) {
    jdbc.sql(
            "insert into experiments (id, name, dataset_id, device, hyperparameters_json,"
                + " base_architecture_id, created_at, cancel_requested_at) values (:id, :name,"
                + " :datasetId, :device, :hp, :baseId, :createdAt, :cancelRequestedAt)")
        .param("id", e.id())
        .param("name", e.name())
        .param("datasetId", e.datasetId())
        .param("device", e.device())
        .param("hp", e.hyperparametersJson())
        .param("baseId", e.baseArchitectureId())
        .param("createdAt", ts(e.createdAt()))
        .param("cancelRequestedAt", ts(e.cancelRequestedAt()))
        .update();
    for (int i = 0; i < e.entries().size(); i++) {
      Experiment.Entry x = e.entries().get(i);
      jdbc.sql(
              "insert into experiment_jobs (experiment_id, position, architecture_id,"
                  + " architecture_name, transform, trainable_parameters, macs, receptive_field_h,"
                  + " receptive_field_w, job_id) values (:experimentId, :position, :architectureId,"
                  + " :name, :transform, :parameters, :macs, :rfH, :rfW, :jobId)")
          .param("experimentId", e.id())
          .param("position", i)
          .param("architectureId", x.architectureId())
          .param("name", x.architectureName())
          .param("transform", x.transform())
          .param("parameters", x.trainableParameters())
          .param("macs", x.macs())
          .param("rfH", x.receptiveField().get(0))
          .param("rfW", x.receptiveField().get(1))
          .param("jobId", x.jobId())
          .update();
    }
  }

  Optional<Experiment> find(String id) {
    return jdbc.sql("select * from experiments where id = :id")
        .param("id", id)
        .query((rs, n) -> experiment(rs))
        .optional();
  }

  /** Newest first. */
  List<Experiment> page(int page, int size) {
    return jdbc.sql(
            "select * from experiments order by created_at desc, id desc limit :limit offset"
                + " :offset")
        .param("limit", size)
        .param("offset", (long) page * size)
        .query((rs, n) -> experiment(rs))
        .list();
  }

  long count() {
    return jdbc.sql("select count(*) from experiments").query(Long.class).single();
  }

  /** Records the first cancel request; later ones keep the first time. */
  void markCancelRequested(String id, Instant now) {
    jdbc.sql(
            "update experiments set cancel_requested_at = :now where id = :id"
                + " and cancel_requested_at is null")
        .param("now", ts(now))
        .param("id", id)
        .update();
  }

  private Experiment experiment(ResultSet rs) throws SQLException {
    String id = rs.getString("id");
    return new Experiment(
        id,
        rs.getString("name"),
        rs.getString("dataset_id"),
        rs.getString("device"),
        rs.getString("hyperparameters_json"),
        rs.getString("base_architecture_id"),
        instant(rs, "created_at"),
        instant(rs, "cancel_requested_at"),
        entries(id));
  }

  private List<Experiment.Entry> entries(String experimentId) {
    return jdbc.sql("select * from experiment_jobs where experiment_id = :id order by position")
        .param("id", experimentId)
        .query(
            (rs, n) ->
                new Experiment.Entry(
                    rs.getString("architecture_id"),
                    rs.getString("architecture_name"),
                    rs.getString("transform"),
                    rs.getLong("trainable_parameters"),
                    rs.getLong("macs"),
                    List.of(rs.getLong("receptive_field_h"), rs.getLong("receptive_field_w")),
                    rs.getString("job_id")))
        .list();
  }

  private static OffsetDateTime ts(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
