package io.kernelwise.architecture;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Stored architectures (table {@code architectures}, migration V1). */
@Repository
class ArchitectureRepository {
  private final JdbcClient jdbc;

  ArchitectureRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** One stored row; {@code spec} is the normalized DSL JSON. */
  record Stored(
      String id, String name, String spec, String baseId, String transform, Instant createdAt) {}

  void insert(Stored a) {
    jdbc.sql(
            "INSERT INTO architectures (id, name, spec, base_id, transform, created_at)"
                + " VALUES (:id, :name, :spec, :baseId, :transform, :createdAt)")
        .param("id", a.id())
        .param("name", a.name())
        .param("spec", a.spec())
        .param("baseId", a.baseId())
        .param("transform", a.transform())
        .param("createdAt", OffsetDateTime.ofInstant(a.createdAt(), ZoneOffset.UTC))
        .update();
  }

  Optional<Stored> find(String id) {
    return jdbc.sql("SELECT * FROM architectures WHERE id = :id")
        .param("id", id)
        .query(ArchitectureRepository::row)
        .optional();
  }

  List<Stored> page(int page, int size) {
    return jdbc.sql(
            "SELECT * FROM architectures ORDER BY created_at, id LIMIT :limit OFFSET :offset")
        .param("limit", size)
        .param("offset", (long) page * size)
        .query(ArchitectureRepository::row)
        .list();
  }

  long count() {
    return jdbc.sql("SELECT COUNT(*) FROM architectures").query(Long.class).single();
  }

  boolean delete(String id) {
    return jdbc.sql("DELETE FROM architectures WHERE id = :id").param("id", id).update() > 0;
  }

  private static Stored row(ResultSet rs, int n) throws SQLException {
    return new Stored(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("spec"),
        rs.getString("base_id"),
        rs.getString("transform"),
        rs.getObject("created_at", OffsetDateTime.class).toInstant());
  }
}
