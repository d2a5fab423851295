package io.kernelwise.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code api_keys} table. */
@Repository
class ApiKeyStore {
  private final JdbcClient jdbc;

  ApiKeyStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(ApiKey k) {
    jdbc.sql(
            """
            INSERT INTO api_keys (id, name, role, prefix, secret_hash, source, created_by,
              created_at, expires_at, revoked)
            VALUES (:id, :name, :role, :prefix, :hash, :source, :createdBy, :createdAt,
              :expiresAt, FALSE)
            """)
        .param("id", k.id())
        .param("name", k.name())
        .param("role", k.role().wire())
        .param("prefix", k.prefix())
        .param("hash", k.hash())
        .param("source", k.source())
        .param("createdBy", k.createdBy())
        .param("createdAt", utc(k.createdAt()))
        .param("expiresAt", utc(k.expiresAt()))
        .update();
  }

  Optional<ApiKey> byHash(String hash) {
    return jdbc.sql("SELECT * FROM api_keys WHERE secret_hash = :hash")
        .param("hash", hash)
        .query(this::map)
        .optional();
  }

  Optional<ApiKey> byId(String id) {
    return jdbc.sql("SELECT * FROM api_keys WHERE id = :id")
        .param("id", id)
        .query(this::map)
        .optional();
  }

  List<ApiKey> page(int offset, int size) {
    return jdbc.sql(
            "SELECT * FROM api_keys ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
        .param("limit", size)
        .param("offset", offset)
        .query(this::map)
        .list();
  }

  long count() {
    return jdbc.sql("SELECT COUNT(*) FROM api_keys").query(Long.class).single();
  }

  /** Admin keys that are neither revoked nor expired, other than {@code exceptId}. */
  long otherActiveAdmins(String exceptId, Instant now) {
    return jdbc.sql(
            """
            SELECT COUNT(*) FROM api_keys WHERE role = 'admin' AND revoked = FALSE
              AND id <> :id AND (expires_at IS NULL OR expires_at > :now)
            """)
        .param("id", exceptId)
        .param("now", utc(now))
        .query(Long.class)
        .single();
  }

  /** Locks the admin rows (inside a transaction) so two revocations cannot remove the last two. */
  void lockAdmins() {
    jdbc.sql("SELECT id FROM api_keys WHERE role = 'admin' FOR UPDATE").query(String.class).list();
  }

  boolean revoke(String id, Instant at) {
    return jdbc.sql(
                "UPDATE api_keys SET revoked = TRUE, revoked_at = :at WHERE id = :id AND revoked ="
                    + " FALSE")
            .param("id", id)
            .param("at", utc(at))
            .update()
        > 0;
  }

  void touch(String id, Instant at) {
    jdbc.sql("UPDATE api_keys SET last_used_at = :at WHERE id = :id")
        .param("id", id)
        .param("at", utc(at))
        .update();
  }

  private static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private ApiKey map(ResultSet rs, int row) throws SQLException {
    return new ApiKey(
        rs.getString("id"),
        rs.getString("name"),
        Role.parse(rs.getString("role")),
        rs.getString("prefix"),
        rs.getString("secret_hash"),
        rs.getString("source"),
        rs.getString("created_by"),
        instant(rs, "created_at"),
        instant(rs, "expires_at"),
        instant(rs, "last_used_at"),
        rs.getBoolean("revoked"),
        instant(rs, "revoked_at"));
  }
}
