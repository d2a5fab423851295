package io.kernelwise.training;

import io.kernelwise.system.ApiException;
import io.kernelwise.system.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "Jobs", description = "Training jobs: queue, poll, stream, cancel")
class JobController {
  private static final String EXAMPLE =
      """
      {"architectureId": "a-seed-3x3", "datasetId": "cifar10",
       "hyperparameters": {"epochs": 10, "batchSize": 128,
         "optimizer": {"type": "adam", "learningRate": 0.001},
         "schedule": {"type": "cosine", "warmupEpochs": 1},
         "augmentation": {"flip": true, "crop": true}, "precision": "auto"},
       "device": "auto"}""";

  private final JobService jobs;
  private final JobEventStream stream;

  JobController(JobService jobs, JobEventStream stream) {
    this.jobs = jobs;
    this.stream = stream;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      operationId = "createJob",
      summary = "Queue a training job",
      description =
          "architectureId or an inline architecture spec, a READY datasetId, hyperparameters"
              + " (defaults filled in; precision fp32|bf16|auto, bf16 only where the CPU or GPU"
              + " computes it natively) and device auto|cpu|gpu|gpu:N. Validated before anything is"
              + " stored: 400 names each bad field, 404/409 an unknown or unfitting"
              + " architecture/dataset.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      schema = @Schema(implementation = JobRequest.class),
                      examples = @ExampleObject(name = "seed-3x3 on cifar10", value = EXAMPLE))))
  @ApiResponse(
      responseCode = "202",
      description = "queued; Location is the job",
      headers = @Header(name = "Location", schema = @Schema(type = "string")))
  @ApiResponse(responseCode = "404", description = "an unknown architectureId or datasetId")
  @ApiResponse(
      responseCode = "409",
      description = "the architecture does not fit the dataset, or the dataset is not READY")
  @ApiResponse(responseCode = "413", description = "the body is over the JSON size limit")
  ResponseEntity<JobView> submit(@RequestBody JsonNode body) {
    JobView job = jobs.submit(body);
    return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job.id())).body(job);
  }

  @GetMapping
  @Operation(operationId = "listJobs", summary = "List jobs, newest first, optionally by state")
  Page<JobView> list(
      @Parameter(
              description = "QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED (any case)",
              schema =
                  @Schema(
                      allowableValues = {
                        "QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED",
                        "queued", "running", "succeeded", "failed", "cancelled"
                      }))
          @RequestParam(required = false)
          String state,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    return jobs.list(state == null || state.isBlank() ? null : parseState(state), page, size);
  }

  private static JobState parseState(String state) {
    try {
      return JobState.valueOf(state.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid(
          "state", "must be one of " + java.util.Arrays.toString(JobState.values()));
    }
  }

  @GetMapping("/{id}")
  @Operation(
      operationId = "getJob",
      summary = "A job: state, progress (0..1), epoch, queuePosition while QUEUED, model")
  JobView get(@PathVariable String id) {
    return jobs.find(id);
  }

  @GetMapping("/{id}/metrics")
  @Operation(
      operationId = "getJobMetrics",
      summary = "Epoch and step metrics after sinceEpoch (poll with the last epoch seen)")
  JobMetricsView metrics(
      @PathVariable String id,
      @Parameter(
              description = "only epochs after this one",
              schema =
                  @Schema(type = "integer", format = "int32", minimum = "0", defaultValue = "0"))
          @RequestParam(defaultValue = "0")
          int sinceEpoch) {
    if (sinceEpoch < 0) {
      throw ApiException.invalid("sinceEpoch", "must be 0 or more");
    }
    return jobs.metrics(id, sinceEpoch);
  }

  @GetMapping(value = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @Operation(
      operationId = "streamJobEvents",
      summary = "Server-Sent Events of a job",
      description =
          "Replays the job's events, then streams new ones: 'state' (with detail, e.g. revived"
              + " after a crash), 'resumed' (fromEpoch), 'step' (progress, loss), 'epoch' (epoch"
              + " metrics), 'cancelRequested'. Each id is a sequence number (Last-Event-ID"
              + " resumes). Completes after the terminal state event.")
  @ApiResponse(
      responseCode = "200",
      description =
          "text/event-stream: each event has an 'event' line (state, resumed, step, epoch,"
              + " cancelRequested), an 'id' line (the sequence number) and a 'data' line with the"
              + " event's JSON object",
      content =
          @Content(
              mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
              schema = @Schema(type = "string", description = "an SSE stream of job events")))
  SseEmitter events(
      @PathVariable String id,
      @Parameter(hidden = true) @RequestHeader(value = "Last-Event-ID", required = false)
          String lastEventId) {
    jobs.get(id); // 404 before the stream starts
    long after = 0;
    if (lastEventId != null) {
      try {
        after = Long.parseLong(lastEventId.trim());
      } catch (NumberFormatException e) {
        throw ApiException.invalid("Last-Event-ID", "must be an event id from this stream");
      }
    }
    return stream.subscribe(id, after);
  }

  @PostMapping("/{id}/cancel")
  @Operation(
      operationId = "cancelJob",
      summary = "Cancel a job",
      description =
          "A QUEUED job is CANCELLED at once; a RUNNING one stops within one training step (on"
              + " whichever instance runs it). 409 if the job already ended.")
  @ApiResponse(responseCode = "202", description = "cancelled or cancel requested")
  @ApiResponse(responseCode = "409", description = "the job already ended")
  ResponseEntity<JobView> cancel(@PathVariable String id) {
    return ResponseEntity.accepted().body(jobs.cancel(id));
  }
}
