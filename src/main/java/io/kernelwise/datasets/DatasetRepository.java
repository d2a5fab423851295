package io.kernelwise.datasets;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Rows of uploaded datasets; plain SQL that runs on H2 (PostgreSQL mode) and PostgreSQL. */
@Repository
class DatasetRepository {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String COLUMNS =
      "id, name, state, reason, progress, manifest, size_bytes, created_at, finished_at";
  private final JdbcClient jdbc;

  DatasetRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(DatasetRecord r) {
    jdbc.sql("INSERT INTO datasets (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            r.id(),
            r.name(),
            r.state().name(),
            r.reason(),
            r.progress(),
            json(r.manifest()),
            r.sizeBytes(),
            time(r.createdAt()),
            time(r.finishedAt()))
        .update();
  }

  Optional<DatasetRecord> find(String id) {
    return jdbc.sql("SELECT " + COLUMNS + " FROM datasets WHERE id = ?")
        .param(id)
        .query(DatasetRepository::map)
        .optional();
  }

  List<DatasetRecord> findPage(int offset, int limit) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM datasets ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
        .params(limit, offset)
        .query(DatasetRepository::map)
        .list();
  }

  long count() {
    return jdbc.sql("SELECT COUNT(*) FROM datasets").query(Long.class).single();
  }

  void updateProgress(String id, double progress) {
    jdbc.sql("UPDATE datasets SET progress = ? WHERE id = ? AND state = 'INGESTING'")
        .params(progress, id)
        .update();
  }

  void markReady(String id, CacheManifest manifest, long sizeBytes, Instant at) {
    jdbc.sql(
            "UPDATE datasets SET state = 'READY', progress = 1, manifest = ?, size_bytes = ?,"
                + " finished_at = ? WHERE id = ?")
        .params(json(manifest), sizeBytes, time(at), id)
        .update();
  }

  void markFailed(String id, String reason, Instant at) {
    jdbc.sql("UPDATE datasets SET state = 'FAILED', reason = ?, finished_at = ? WHERE id = ?")
        .params(truncate(reason), time(at), id)
        .update();
  }

  /** After a crash: ingests that were running cannot resume (their upload is gone). */
  int failInterrupted(String reason, Instant at) {
    return jdbc.sql(
            "UPDATE datasets SET state = 'FAILED', reason = ?, finished_at = ?"
                + " WHERE state = 'INGESTING'")
        .params(reason, time(at))
        .update();
  }

  boolean delete(String id) {
    return jdbc.sql("DELETE FROM datasets WHERE id = ?").param(id).update() > 0;
  }

  private static DatasetRecord map(ResultSet rs, int row) throws SQLException {
    String manifest = rs.getString("manifest");
    OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
    return new DatasetRecord(
        rs.getString("id"),
        rs.getString("name"),
        DatasetState.valueOf(rs.getString("state")),
        rs.getString("reason"),
        rs.getDouble("progress"),
        manifest == null ? null : JSON.readValue(manifest, CacheManifest.class),
        rs.getLong("size_bytes"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        finished == null ? null : finished.toInstant());
  }

  private static String json(CacheManifest manifest) {
    return manifest == null ? null : JSON.writeValueAsString(manifest);
  }

  private static OffsetDateTime time(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }

  private static String truncate(String s) {
    return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
  }
}
