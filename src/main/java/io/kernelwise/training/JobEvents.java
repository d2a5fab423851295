package io.kernelwise.training;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/** Appends typed entries to a job's event log (what {@code GET /jobs/{id}/events} streams). */
public class JobEvents {
  public static final String STATE = "state";
  public static final String STEP = "step";
  public static final String EPOCH = "epoch";
  public static final String RESUMED = "resumed";
  public static final String CANCEL_REQUESTED = "cancelRequested";

  private final JobStore store;
  private final ObjectMapper json;
  private final Clock clock;

  public JobEvents(JobStore store, ObjectMapper json, Clock clock) {
    this.store = store;
    this.json = json;
    this.clock = clock;
  }

  /** A state change; {@code detail} says why (e.g. revived after a crash). */
  public void state(String jobId, JobState state, String detail, Map<String, Object> extra) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("jobId", jobId);
    data.put("state", state.name());
    if (detail != null) {
      data.put("detail", detail);
    }
    data.putAll(extra);
    append(jobId, STATE, data);
  }

  public void append(String jobId, String type, Object data) {
    store.appendEvent(jobId, type, json.writeValueAsString(data), clock.instant());
  }
}
