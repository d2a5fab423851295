package io.kernelwise.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code audit_events} table. */
@Repository
class AuditStore {
  private final JdbcClient jdbc;

  AuditStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(AuditEvent e) {
    jdbc.sql(
            """
            INSERT INTO audit_events (id, at, key_id, key_prefix, key_name, method, action,
              resource, status, outcome, remote_address)
            VALUES (:id, :at, :keyId, :keyPrefix, :keyName, :method, :action, :resource, :status,
              :outcome, :remoteAddress)
            """)
        .param("id", e.id())
        .param("at", e.at().atOffset(ZoneOffset.UTC))
        .param("keyId", e.keyId())
        .param("keyPrefix", e.keyPrefix())
        .param("keyName", e.keyName())
        .param("method", e.method())
        .param("action", e.action())
        .param("resource", e.resource())
        .param("status", e.status())
        .param("outcome", e.outcome())
        .param("remoteAddress", e.remoteAddress())
        .update();
  }

  List<AuditEvent> page(int offset, int size) {
    return jdbc.sql("SELECT * FROM audit_events ORDER BY at DESC, id LIMIT :limit OFFSET :offset")
        .param("limit", size)
        .param("offset", offset)
        .query(this::map)
        .list();
  }

  long count() {
    return jdbc.sql("SELECT COUNT(*) FROM audit_events").query(Long.class).single();
  }

  private AuditEvent map(ResultSet rs, int row) throws SQLException {
    return new AuditEvent(
        rs.getString("id"),
        rs.getObject("at", OffsetDateTime.class).toInstant(),
        rs.getString("key_id"),
        rs.getString("key_prefix"),
        rs.getString("key_name"),
        rs.getString("method"),
        rs.getString("action"),
        rs.getString("resource"),
        rs.getInt("status"),
        rs.getString("outcome"),
        rs.getString("remote_address"));
  }
}
