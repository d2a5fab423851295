package io.kernelwise.training;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The only code that reads or writes db-scheduler's {@code scheduled_tasks} table behind the
 * library's back (everything else goes through its {@code Scheduler}). Its columns and their
 * meaning are the library's (16.x): {@code picked}/{@code picked_by} name the instance executing an
 * instance of a task, {@code last_heartbeat} is refreshed while it runs, {@code version} is the
 * optimistic lock every update of the library checks. {@code ScheduledTasksContractTest} pins this
 * against the library itself.
 */
final class ScheduledTasks {
  /** An execution held by an instance: its job, lock version and last heartbeat. */
  record Claim(String jobId, long version, Instant heartbeat) {}

  private final JdbcClient jdbc;
  private final String task;

  ScheduledTasks(DataSource dataSource, String task) {
    this.jdbc = JdbcClient.create(dataSource);
    this.task = task;
  }

  /** QUEUED or RUNNING jobs with no execution of {@code task}, with their queue time. */
  List<Map.Entry<String, Instant>> jobsWithoutExecution() {
    return jdbc.sql(
            "select j.id, j.queued_at from jobs j where j.state in ('QUEUED', 'RUNNING')"
                + " and not exists (select 1 from scheduled_tasks t"
                + " where t.task_name = ? and t.task_instance = j.id)")
        .param(task)
        .query(
            (rs, n) ->
                Map.entry(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
        .list();
  }

  /** Executions picked by the scheduler named {@code instance}. */
  List<Claim> claimsOf(String instance) {
    return jdbc.sql(
            "select task_instance, version, last_heartbeat from scheduled_tasks"
                + " where task_name = ? and picked = true and picked_by = ?")
        .params(task, instance)
        .query(
            (rs, n) -> {
              var hb = rs.getObject(3, OffsetDateTime.class);
              return new Claim(rs.getString(1), rs.getLong(2), hb == null ? null : hb.toInstant());
            })
        .list();
  }

  /**
   * Un-picks a claim (as the library does for a dead execution) so that any instance may execute it
   * from {@code due}; false if it changed since it was read (its version moved on).
   */
  boolean release(Claim claim, Instant due) {
    return jdbc.sql(
                "update scheduled_tasks set picked = false, picked_by = null,"
                    + " last_heartbeat = null, execution_time = ?, version = version + 1"
                    + " where task_name = ? and task_instance = ? and version = ?"
                    + " and picked = true")
            .params(JdbcJobStore.ts(due), task, claim.jobId(), claim.version())
            .update()
        == 1;
  }
}
