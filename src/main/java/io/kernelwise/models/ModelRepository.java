package io.kernelwise.models;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** The {@code models} table; list-valued columns are stored as JSON text. */
@Repository
class ModelRepository {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final ObjectMapper json;

  ModelRepository(JdbcClient jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** Inserts the row with the next version number of its name; returns that number. */
  @Transactional
  int insert(ModelRecord m) {
    int version = nextVersion(m.name());
    jdbc.sql(
            """
            INSERT INTO models (id, name, architecture_id, dataset_id, job_id, classes, channels,
              height, width, normalization, metrics, artifact_bytes, created_at, version)
            VALUES (:id, :name, :architectureId, :datasetId, :jobId, :classes, :channels,
              :height, :width, :normalization, :metrics, :artifactBytes, :createdAt, :version)
            """)
        .param("version", version)
        .param("id", m.id())
        .param("name", m.name())
        .param("architectureId", m.architectureId())
        .param("datasetId", m.datasetId())
        .param("jobId", m.jobId())
        .param("classes", json.writeValueAsString(m.classes()))
        .param("channels", m.channels())
        .param("height", m.height())
        .param("width", m.width())
        .param("normalization", json.writeValueAsString(m.normalization()))
        .param("metrics", json.writeValueAsString(m.metrics()))
        .param("artifactBytes", m.artifactBytes())
        .param("createdAt", m.createdAt().atOffset(ZoneOffset.UTC))
        .update();
    return version;
  }

  /**
   * The row lock taken by the UPDATE serializes concurrent registrations of one name (also across
   * replicas sharing the database) until the transaction ends; the first model of a name inserts
   * the counter, and a concurrent first insert that loses the race retries the UPDATE.
   */
  private int nextVersion(String name) {
    for (int attempt = 0; ; attempt++) {
      int updated =
          jdbc.sql("UPDATE model_names SET last_version = last_version + 1 WHERE name = :name")
              .param("name", name)
              .update();
      if (updated == 0) {
        try {
          jdbc.sql("INSERT INTO model_names (name, last_version) VALUES (:name, 1)")
              .param("name", name)
              .update();
          return 1;
        } catch (DuplicateKeyException e) {
          if (attempt > 2) {
            throw e;
          }
          continue;
        }
      }
      return jdbc.sql("SELECT last_version FROM model_names WHERE name = :name")
          .param("name", name)
          .query(Integer.class)
          .single();
    }
  }

  /** The models sharing a name, oldest (version 1) first. */
  List<ModelRecord> byName(String name) {
    return jdbc.sql("SELECT * FROM models WHERE name = :name ORDER BY version")
        .param("name", name)
        .query(this::map)
        .list();
  }

  Optional<ModelRecord> find(String id) {
    return jdbc.sql("SELECT * FROM models WHERE id = :id")
        .param("id", id)
        .query(this::map)
        .optional();
  }

  boolean exists(String id) {
    return jdbc.sql("SELECT COUNT(*) FROM models WHERE id = :id")
            .param("id", id)
            .query(Long.class)
            .single()
        > 0;
  }

  List<ModelRecord> page(int page, int size) {
    return jdbc.sql("SELECT * FROM models ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
        .param("limit", size)
        .param("offset", (long) page * size)
        .query(this::map)
        .list();
  }

  long count() {
    return jdbc.sql("SELECT COUNT(*) FROM models").query(Long.class).single();
  }

  boolean delete(String id) {
    return jdbc.sql("DELETE FROM models WHERE id = :id").param("id", id).update() > 0;
  }

  private ModelRecord map(ResultSet rs, int row) throws SQLException {
    return new ModelRecord(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("architecture_id"),
        rs.getString("dataset_id"),
        rs.getString("job_id"),
        json.readValue(rs.getString("classes"), STRINGS),
        rs.getInt("channels"),
        rs.getInt("height"),
        rs.getInt("width"),
        json.readValue(rs.getString("normalization"), ModelRecord.Normalization.class),
        json.readValue(rs.getString("metrics"), METRICS),
        rs.getLong("artifact_bytes"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getInt("version"));
  }
}
