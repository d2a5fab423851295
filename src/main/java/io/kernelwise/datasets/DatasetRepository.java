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

  /** An INGESTING row owned by {@code owner}, heartbeated at {@code at}. */
  void insertIngesting(DatasetRecord r, String owner, Instant at) {
    insert(r);
    jdbc.sql("UPDATE datasets SET owner = ?, heartbeat_at = ? WHERE id = ?")
        .params(owner, time(at), r.id())
        .update();
  }

  /** The owner's sign of life (with its progress); false once the ingest is no longer its own. */
  boolean heartbeat(String id, String owner, Instant at) {
    return jdbc.sql(
                "UPDATE datasets SET heartbeat_at = ? WHERE id = ? AND state = 'INGESTING'"
                    + " AND owner = ?")
            .params(time(at), id, owner)
            .update()
        == 1;
  }

  /** INGESTING → READY; false (nothing changed) when the ingest already ended or moved. */
  boolean markReady(String id, CacheManifest manifest, long sizeBytes, Instant at) {
    return jdbc.sql(
                "UPDATE datasets SET state = 'READY', progress = 1, manifest = ?, size_bytes = ?,"
                    + " finished_at = ? WHERE id = ? AND state = 'INGESTING'")
            .params(json(manifest), sizeBytes, time(at), id)
            .update()
        == 1;
  }

  /** INGESTING → FAILED; false when the ingest already ended. */
  boolean markFailed(String id, String reason, Instant at) {
    return jdbc.sql(
                "UPDATE datasets SET state = 'FAILED', reason = ?, finished_at = ? WHERE id = ?"
                    + " AND state = 'INGESTING'")
            .params(truncate(reason), time(at), id)
            .update()
        == 1;
  }

  /**
   * At startup: this instance's own ingests cut short by its previous process (and ingests of no
   * recorded owner) cannot resume: their upload was a temporary file. Others' are left alone.
   */
  int failInterrupted(String owner, String reason, Instant at) {
    return jdbc.sql(
            "UPDATE datasets SET state = 'FAILED', reason = ?, finished_at = ?"
                + " WHERE state = 'INGESTING' AND (owner = ? OR owner IS NULL)")
        .params(reason, time(at), owner)
        .update();
  }

  /**
   * Ingests of other instances whose heartbeat is older than {@code staleBefore}: their owner died,
   * and with it the upload it was reading. Returns how many were failed.
   */
  int failAbandoned(String owner, Instant staleBefore, Instant at) {
    List<String[]> stale =
        jdbc.sql(
                "SELECT id, owner FROM datasets WHERE state = 'INGESTING' AND owner <> ?"
                    + " AND (heartbeat_at IS NULL OR heartbeat_at < ?)")
            .params(owner, time(staleBefore))
            .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
            .list();
    int failed = 0;
    for (String[] s : stale) {
      failed +=
          jdbc.sql(
                  "UPDATE datasets SET state = 'FAILED', reason = ?, finished_at = ?"
                      + " WHERE id = ? AND state = 'INGESTING' AND owner = ?"
                      + " AND (heartbeat_at IS NULL OR heartbeat_at < ?)")
              .params(
                  "ingest abandoned: instance '"
                      + s[1]
                      + "' stopped heartbeating while ingesting it; upload the zip again",
                  time(at),
                  s[0],
                  s[1],
                  time(staleBefore))
              .update();
    }
    return failed;
  }

  /** Ids of the ingests still running somewhere (after the calls above: live owners only). */
  List<String> ingesting() {
    return jdbc.sql("SELECT id FROM datasets WHERE state = 'INGESTING'").query(String.class).list();
  }

  /** Who ingests a dataset (null once ingested, or for rows from before owners existed). */
  Optional<String> owner(String id) {
    return jdbc.sql("SELECT owner FROM datasets WHERE id = ?")
        .param(id)
        .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
        .optional()
        .flatMap(o -> o);
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
